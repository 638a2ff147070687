"""The observatoire's documents, built by the worker with WeasyPrint as tagged PDF/UA files.

- The annual report (`/observatoire/rapport-<YYYY>.pdf`): the year's published tables and charts, the
  administrator's comments per section; every build is a new version kept with the year.
- The guide petite enfance (`/guide-petite-enfance.pdf`): built from live data in French and English from the
  same template. A change of the data marks the guide stale and nudges a build after a quiet period (debounce);
  a periodic sweep builds what the nudges missed. Only one build runs at a time per collectivité (a PostgreSQL
  advisory lock). A build writes a new file and only then points the row at it: the URL serves the previous
  complete file until the new one is complete, and answers 503 + Retry-After before the first one exists.
"""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Max, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from weasyprint import HTML

from observatoire import charts, compute, indicators, services
from observatoire.enums import BuildState, ReportSection
from observatoire.models import GuideDocument, ReportComment, ReportVersion
from rpe.guide import relais_schedule

GUIDE_LANGUAGES = ("fr", "en")
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def write_pdf(html):
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(**PDF_OPTIONS)


def debounce_seconds():
    return getattr(settings, "OBSERVATOIRE_GUIDE_DEBOUNCE_SECONDS", 60)


# --- The annual report --------------------------------------------------------------------------------------------


def report_html(year):
    published = services.for_year(year)
    comments = dict(ReportComment.objects.filter(year=year).values_list("section", "text"))
    section_of = {
        "territory": ReportSection.COVERAGE,
        "demand_age": ReportSection.DEMAND,
        "demand_kind": ReportSection.DEMAND,
        "demand_mode": ReportSection.DEMAND,
        "delays": ReportSection.DEMAND,
        "offer_type": ReportSection.OFFER,
        "offer_manager": ReportSection.OFFER,
        "offer_changes": ReportSection.OFFER,
        "sessions": ReportSection.ALLOCATION,
        "outcomes": ReportSection.ALLOCATION,
        "movements": ReportSection.MOVEMENTS,
        "monthly": ReportSection.MOVEMENTS,
        "history": ReportSection.COVERAGE,
        "am_communes": ReportSection.AM,
        "am_pyramid": ReportSection.AM,
        "am_flows": ReportSection.AM,
        "relais": ReportSection.RELAIS,
    }
    sections = []
    for section in ReportSection:
        tables = [table for table in published.tables if section_of.get(table.key) == section]
        if not tables and not comments.get(section.value):
            continue
        sections.append(
            {
                "section": section,
                "comment": comments.get(section.value, ""),
                "tables": [
                    {"table": table, "rows": table.published_rows(), "chart": charts.bars(table)} for table in tables
                ],
            }
        )
    return render_to_string(
        "observatoire/pdf/report.html",
        {
            "collectivite": connection.tenant,
            "published": published,
            "year": year,
            "sections": sections,
            "generated_at": timezone.now(),
        },
    )


def report_build(year):
    """Build a new version of the year's report and keep it (v1, v2…)."""
    started = time.perf_counter()
    pdf = write_pdf(report_html(year))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                number = (ReportVersion.objects.filter(year=year).aggregate(n=Max("version"))["n"] or 0) + 1
                version = ReportVersion(year=year, version=number)
                version.file.save(f"rapport-{year}-v{number}.pdf", ContentFile(pdf), save=False)
                version.duration_ms = round((time.perf_counter() - started) * 1000)
                version.save()
                return version
        except IntegrityError:
            continue  # another build took the number: take the next one
    raise RuntimeError("report version numbering kept colliding")


def report_queue(year):
    """Ask the worker for the year's report once (repeated downloads while it builds queue nothing more)."""
    build_report = import_string("observatoire.tasks.build_report")  # by name: tasks imports this module

    if cache.add(f"observatoire:report:{connection.schema_name}:{year}", "1", timeout=120):
        schema = connection.schema_name
        transaction.on_commit(
            lambda: build_report.apply_async(args=[year], headers={"_schema_name": schema}), robust=True
        )


# --- The guide petite enfance -------------------------------------------------------------------------------------


def guide_data_changed(sender, **kwargs):
    """Signal receiver: in a collectivité's schema only (the public schema has no guide)."""
    if connection.schema_name != "public" and not kwargs.get("raw"):
        guide_mark_stale()


def guide_mark_stale(languages=GUIDE_LANGUAGES):
    """The guide's data changed: mark it stale and nudge a build once the changes settle."""
    build_guide = import_string("observatoire.tasks.build_guide")  # by name: tasks imports this module

    # One statement in the usual case (a save of an établissement pays one query); the first time, the rows.
    now = timezone.now()
    marked = GuideDocument.objects.filter(language__in=languages).update(
        stale_since=now,
        state=Case(When(state=BuildState.BUILDING, then=Value(BuildState.BUILDING)), default=Value(BuildState.QUEUED)),
    )
    if marked < len(languages):
        GuideDocument.objects.bulk_create(
            [GuideDocument(language=language, stale_since=now, state=BuildState.QUEUED) for language in languages],
            ignore_conflicts=True,
        )
    schema = connection.schema_name
    for language in languages:
        # One nudge per quiet period and language; the build re-nudges itself while changes keep coming.
        if not cache.add(f"observatoire:guide-nudge:{schema}:{language}", "1", timeout=max(debounce_seconds(), 1)):
            continue
        transaction.on_commit(
            lambda language=language: build_guide.apply_async(
                args=[language], countdown=debounce_seconds(), headers={"_schema_name": schema}
            ),
            robust=True,
        )


def guide_current(language):
    """The guide to serve (its file is complete), or None before the first build (which this asks for)."""
    guide = GuideDocument.objects.filter(language=language).first()
    if guide is not None and guide.file and guide.file.storage.exists(guide.file.name):
        return guide
    if guide is None or guide.stale_since is None:
        guide_mark_stale([language])
    return None


def guide_states():
    return [GuideDocument.objects.get_or_create(language=language)[0] for language in GUIDE_LANGUAGES]


@contextlib.contextmanager
def collectivite_lock(name):
    """One holder at a time per collectivité and `name` (PostgreSQL advisory lock); yields whether it is held."""
    key = f"{connection.schema_name}:{name}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


def guide_build_if_due(language, now=None):
    """Build when the guide is stale and its data have been quiet for the debounce period; else say why not."""
    now = now or timezone.now()
    guide, _created = GuideDocument.objects.get_or_create(language=language)
    if guide.file and guide.stale_since is not None and guide.built_for and guide.built_for >= guide.stale_since:
        return "up to date"
    if guide.file and guide.stale_since is None:
        return "up to date"
    quiet_for = (now - guide.stale_since).total_seconds() if guide.stale_since is not None else None
    if quiet_for is not None and quiet_for < debounce_seconds():
        _nudge_later(language, debounce_seconds() - quiet_for)
        return "settling"
    with collectivite_lock("guide") as held:
        if not held:
            _nudge_later(language, 30)
            return "busy"
        guide_build(language)
        return "built"


def _nudge_later(language, seconds):
    from celery import current_app

    build_guide = import_string("observatoire.tasks.build_guide")  # by name: tasks imports this module

    if current_app.conf.task_always_eager:
        return  # in-process tasks cannot wait: the periodic sweep builds it
    build_guide.apply_async(args=[language], countdown=seconds + 1, headers={"_schema_name": connection.schema_name})


def _progress(language, percent, **fields):
    GuideDocument.objects.filter(language=language).update(progress=percent, **fields)


def guide_build(language):
    """Draw the guide in `language` and switch the served file to it once it is complete."""
    guide, _created = GuideDocument.objects.get_or_create(language=language)
    covers = guide.stale_since or timezone.now()
    started = time.perf_counter()
    _progress(language, 5, state=BuildState.BUILDING, error="")
    try:
        with translation.override(language):
            context = guide_context()
            _progress(language, 35)
            html = render_to_string("observatoire/pdf/guide.html", context)
            _progress(language, 50)
            pdf = write_pdf(html)
        _progress(language, 90)
        previous = guide.file.name if guide.file else ""
        name = guide.file.storage.save(
            f"observatoire/guide-petite-enfance-{language}-{timezone.now():%Y%m%d%H%M%S}.pdf", ContentFile(pdf)
        )
        GuideDocument.objects.filter(pk=guide.pk).update(
            file=name,
            built_at=timezone.now(),
            built_for=covers,
            progress=100,
            duration_ms=round((time.perf_counter() - started) * 1000),
        )
        # Back to idle unless a change arrived during the build (then the next nudge builds again).
        GuideDocument.objects.filter(pk=guide.pk, stale_since__lte=covers).update(state=BuildState.IDLE)
        GuideDocument.objects.filter(pk=guide.pk, stale_since__gt=covers).update(state=BuildState.QUEUED)
        if previous and previous != name:
            guide.file.storage.delete(previous)
    except Exception as error:
        _progress(language, 0, state=BuildState.FAILED, error=str(error)[:300])
        raise
    return name


def guides_sweep():
    return {language: guide_build_if_due(language) for language in GUIDE_LANGUAGES}


def guide_context():
    """Everything the guide says, from live data."""
    from commissions.models import Regulation, Session
    from creches.models import Establishment
    from rpe.models import Relais

    today = timezone.localdate()
    establishments = list(Establishment.objects.active().prefetch_related("sections").order_by("commune", "name"))
    relais = list(Relais.objects.prefetch_related("lieux").order_by("name"))
    schedules = {r.pk: relais_schedule(r) for r in relais}  # permanences and ateliers (rpe.guide)
    for r in relais:
        r.schedule = schedules[r.pk]
    data = compute.compute(today.year, today)
    published = indicators.published_tables(data)
    am_table = published.table("am_communes")
    regulation = Regulation.objects.in_force(today) if hasattr(Regulation.objects, "in_force") else None
    sessions = Session.objects.filter(date__gte=today).order_by("date")[:12]
    return {
        "collectivite": connection.tenant,
        "establishments": establishments,
        "relais": relais,
        "am_rows": am_table.published_rows(),
        "am_table": am_table,
        "regulation": regulation,
        "criteria": list(regulation.criteria.all()) if regulation is not None else [],
        "sessions": sessions,
        "generated_at": timezone.now(),
    }


# --- The INSEE import's per-row report ----------------------------------------------------------------------------


def import_report(result):
    """One line per row of the file: its number, commune, what happened and, for a refused row, why."""
    lines = []
    for number, row in enumerate(result.rows, start=2):
        messages = []
        for error in row.errors:
            messages.append(str(error.error))
        if row.validation_error is not None:
            for field, errors in row.validation_error.message_dict.items():
                messages.extend(f"{field} : {message}" for message in errors)
        lines.append(
            {
                "line": number,
                "code": (row.instance.code_insee if row.instance is not None else ""),
                "status": row.import_type,
                "messages": messages,
            }
        )
    for invalid in result.invalid_rows:
        lines.append(
            {
                "line": invalid.number + 1,
                "code": "",
                "status": "invalid",
                "messages": [f"{field} : {' '.join(errors)}" for field, errors in invalid.error_dict.items()],
            }
        )
    return sorted(lines, key=lambda line: line["line"])
