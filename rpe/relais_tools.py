"""The relais's home lists its tools; each area of the rpe app registers its own here.

    register_tool(_("Familles sans solution"), "rpe:followup_list", can_follow_families)

The follow-up of families without a place (area "rpesearch"), the job offers' moderation, the
appointments and ateliers register themselves this way, at import time of their own urls module
(`rpe/urls_<area>.py`, loaded before any page is served): the relais's home (/relais/) shows a tool
only when its predicate holds for the person. No page of this module is a placeholder.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tool:
    label: str
    url_name: str
    predicate: object
    description: str = ""


TOOLS = []


def register_tool(label, url_name, predicate, description=""):
    TOOLS.append(Tool(label, url_name, predicate, description))


def tools_for(user):
    return [
        {"label": tool.label, "url": reverse(tool.url_name), "description": tool.description}
        for tool in TOOLS
        if tool.predicate(user)
    ]
