"""Ports for tests that need a service which is not there, or a server of their own."""

import socket


def unused_port() -> int:
    """A loopback port bound and released at once: nothing listens there afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
