from django.dispatch import Signal

# Sent with `user` and `purpose` after a person withdraws consent, so features that rely
# on it (a name on leaderboards) stop at once.
consent_withdrawn = Signal()

# Sent with `user` and `purpose` after a person gives consent (in the privacy centre or
# through a feature's own checkbox), so the feature starts at once (a name on leaderboards).
consent_given = Signal()
