from django.dispatch import Signal

# Sent with `user` and `purpose` after a person withdraws consent, so features that rely
# on it (a name on leaderboards) stop at once.
consent_withdrawn = Signal()
