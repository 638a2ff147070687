from functools import wraps

from django.core.exceptions import PermissionDenied


def allowed_if(predicate, *predicate_args):
    """Refuse the view (403) unless `predicate(request.user, *predicate_args)` holds.

    Login itself is enforced by LoginRequiredMiddleware; this says which authenticated people.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user, *predicate_args):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_predicate = predicate
        return wrapped

    return decorator
