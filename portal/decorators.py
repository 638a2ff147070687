from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def allowed_if(predicate, *predicate_args, obj=None):
    """Refuse the view (403) unless `predicate(request.user, *predicate_args)` holds.

    Login itself is enforced by LoginRequiredMiddleware; this says which authenticated people.

    With `obj`, a function `(request, **url_kwargs)` returning the object the view works on (it answers 404 for
    what the person may not see, see `get_visible_object_or_404`): the predicate is asked about that object,
    `predicate(request.user, object)`, and the view is called as `view(request, object)`. No view needs to
    check an object by hand.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if obj is None:
                if not predicate(request.user, *predicate_args):
                    raise PermissionDenied
                return view(request, *args, **kwargs)
            target = obj(request, *args, **kwargs)
            if not predicate(request.user, target):
                raise PermissionDenied
            return view(request, target)

        wrapped.permission_predicate = predicate
        wrapped.permission_object = obj
        return wrapped

    return decorator


def get_visible_object_or_404(model_or_queryset, user, **lookup):
    """The object matching `lookup` among those `user` may see (`visible_to`), else 404.

    What a person may not see answers exactly like what does not exist: an id tells nothing.
    """
    queryset = model_or_queryset.all() if hasattr(model_or_queryset, "all") else model_or_queryset.objects.all()
    return get_object_or_404(queryset.visible_to(user), **lookup)
