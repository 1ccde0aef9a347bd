"""Template context shared by every page."""

from hostwerk import __version__


def hostwerk(request):
    return {"hostwerk_version": __version__}
