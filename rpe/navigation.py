"""The relais petite enfance and its directory of assistants maternels in the menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import NavEntry
from rpe import perms

ENTRIES = [
    NavEntry(_("Assistants maternels"), "rpe:am_list", perms.can_use_relais_pages),
    NavEntry(_("Relais"), "rpe:relais_list", perms.can_manage_relais),
    NavEntry(_("Mes disponibilités"), "rpe:my_availability", perms.is_assistant_maternel),
    NavEntry(_("Mon profil"), "rpe:my_profile", perms.is_assistant_maternel),
    NavEntry(_("Petites annonces"), "rpe:job_offer_moderation_list", perms.can_moderate_job_offers),
    NavEntry(_("Familles sans solution"), "rpe:followup_list", perms.can_follow_up),
    NavEntry(_("Demandes des familles"), "rpe:am_contact_list", perms.can_answer_contacts),
    NavEntry(_("Annonces des familles"), "rpe:am_job_offer_list", perms.can_answer_contacts),
    NavEntry(_("Trouver un·e assistant·e maternel·le"), "rpe:am_search", perms.can_contact_am),
    NavEntry(_("Mes annonces"), "rpe:family_job_offer_list", perms.can_contact_am),
    NavEntry(_("Mes contacts"), "rpe:family_contact_list", perms.can_contact_am),
    NavEntry(_("Agenda du relais"), "rpe:booking:agenda", perms.can_run_agenda),
    NavEntry(_("Rendez-vous au relais"), "rpe:booking:my_appointments", perms.can_book_online),
    NavEntry(_("Calendrier des rendez-vous"), "rpe:booking:school_holidays", perms.can_configure_calendar),
]

# Ateliers, inbox, contact log and figures of the relais (ateliers).
ENTRIES += [
    NavEntry(_("Ateliers du relais"), "rpe:staff_ateliers", perms.can_run_ateliers),
    NavEntry(_("Demandes au relais"), "rpe:inbox", perms.can_use_inbox),
    NavEntry(_("Journal des contacts"), "rpe:contacts", perms.can_use_inbox),
    NavEntry(_("Chiffres des relais"), "rpe:figures", perms.can_see_relais_figures),
    NavEntry(_("Mes ateliers"), "rpe:my_ateliers", perms.can_register_to_ateliers),
]
