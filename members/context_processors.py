from .permissions import access_for


def access(request):
    return {"access": access_for(request.user)}
