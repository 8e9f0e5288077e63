"""The members' platform: services that know nothing of HTTP."""
