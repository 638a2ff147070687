from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.forms import InvitationForm, RolesForm, UserSearchForm
from portal.accounts.models import RoleChange, User
from portal.accounts.services import user_invite, user_set_roles
from portal.decorators import allowed_if, get_visible_object_or_404
from portal.perms import can_manage_users


@allowed_if(can_manage_users)
@require_GET
def user_list(request):
    form = UserSearchForm(request.GET)
    users = User.objects.visible_to(request.user).order_by("last_name", "first_name", "email")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            users = users.filter(
                Q(email__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
            )
        if role := form.cleaned_data["role"]:
            users = users.with_role(role)
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "page": page, "querystring": querystring.urlencode()},
    )


@allowed_if(can_manage_users)
@require_http_methods(["GET", "POST"])
def user_invite_view(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_invite(invited_by=request.user, **form.cleaned_data)
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_invite.html", {"form": form})


@allowed_if(can_manage_users)
@require_http_methods(["GET", "POST"])
def user_roles(request, pk):
    person = get_visible_object_or_404(User, request.user, pk=pk)
    form = RolesForm(request.POST or None, initial={"roles": person.roles}, editor=request.user, user=person)
    if request.method == "POST" and form.is_valid():
        if user_set_roles(user=person, roles=form.cleaned_data["roles"], changed_by=request.user):
            messages.success(request, _("Rôles de %(person)s mis à jour.") % {"person": person})
        else:
            messages.info(request, _("Aucun changement."))
        return redirect("accounts:user_roles", pk=person.pk)
    history = person.role_changes.select_related("changed_by")[:50]
    return render(request, "accounts/user_roles.html", {"person": person, "form": form, "history": history})


@allowed_if(can_manage_users)
@require_GET
def role_history(request):
    changes = RoleChange.objects.visible_to(request.user).select_related("user", "changed_by")
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/role_history.html", {"page": page})
