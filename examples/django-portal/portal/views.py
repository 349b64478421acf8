"""A small citizen-services site: home, search, contact form, file upload, sign-in, admin."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .models import Message, Service, Upload


def home(request: HttpRequest) -> HttpResponse:
    user = request.user.username if request.user.is_authenticated else "guest"
    return HttpResponse(f"<h1>Citizen services</h1><p>Welcome, {user}.</p>")


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    names = [s.name for s in Service.objects.filter(name__icontains=q)[:20]]
    return JsonResponse({"q": q, "results": names})


@csrf_exempt  # the example is tested without a browser; a real portal keeps CSRF protection
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Message.objects.create(name=request.POST.get("name", ""), text=request.POST.get("message", ""))
        return HttpResponse("thank you", status=201)
    return HttpResponse("<form method=post><input name=name><textarea name=message></textarea></form>")


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        f = request.FILES["document"]
        Upload.objects.create(file_name=f.name, size=f.size)
        return HttpResponse(f"stored {f.name}", status=201)
    return HttpResponse("<form method=post enctype=multipart/form-data><input type=file name=document></form>")


@csrf_exempt
def echo(request: HttpRequest) -> HttpResponse:
    """Shows the body the application received (a safe write in the tests' policies)."""
    return JsonResponse({"length": len(request.body), "fields": dict(request.POST.items())})


def count(request: HttpRequest) -> HttpResponse:
    """A page whose view writes on a GET (a visit counter): refused in lockdown."""
    Message.objects.create(name="visit", text=request.path)
    return HttpResponse("counted")


def visits(request: HttpRequest) -> HttpResponse:
    """A visit counter that carries on when counting fails, as many do: in lockdown the write
    is refused all the same, and the middleware answers with the lockdown page."""
    try:
        Message.objects.create(name="visit", text=request.path)
    except Exception:
        pass
    return HttpResponse("welcome")


def remember(request: HttpRequest) -> HttpResponse:
    """A page that writes to the session on a GET; still answered in lockdown."""
    request.session["seen"] = request.session.get("seen", 0) + 1
    return HttpResponse(f"seen {request.session['seen']}")
