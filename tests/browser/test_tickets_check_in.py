"""A participant registers and sees the QR ticket; a volunteer at the door checks it in by
typing its code, and the page refuses a second check-in and an altered ticket."""

import re

import pytest
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.tickets import services
from cyberweek.tickets.models import Registration
from cyberweek.tickets.signing import sign_ticket
from tests.accounts.factories import PASSWORD, UserFactory, organiser
from tests.tickets.factories import OfferingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_register_show_the_ticket_and_check_it_in_at_the_door(page, browser, live_server, regions):
    offering = OfferingFactory(title="开幕式", title_en="Opening ceremony", capacity=2)
    UserFactory(email="visitor@example.org")
    organiser(OrganiserRole.Level.UNIT, "120101", email="door@example.org")
    offering.region = regions.get(code="120101")
    offering.save()

    sign_in(page, "visitor@example.org")
    page.goto(f"/en/tickets/register/{offering.pk}/")
    expect(page.get_by_text("Nothing more is asked")).to_be_visible()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered. Here is your ticket.")).to_be_visible()
    expect(page.locator("figure.ticket-qr svg")).to_be_visible()
    code = page.locator("#ticket-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)

    door = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(door, "door@example.org")
    door.goto(f"/en/organiser/tickets/{offering.pk}/check-in/")
    expect(door.locator("#network-state")).to_have_text("Online")
    door.get_by_label("Ticket code or scanned text").fill(code.lower())
    door.get_by_role("button", name="Check in").click()
    expect(door.locator("#verdict")).to_have_text("Checked in: 1 seat(s).")
    expect(door.locator("#count-checked-in")).to_have_text("1")

    door.get_by_label("Ticket code or scanned text").fill(code)
    door.get_by_role("button", name="Check in").click()
    expect(door.locator("#verdict")).to_contain_text("not counted again")
    expect(door.locator("#count-checked-in")).to_have_text("1")
    expect(door.locator("#count-flagged")).to_have_text("1")

    # An altered ticket is refused in the browser, with the public key alone.
    registration = Registration.objects.get()
    genuine = sign_ticket(code=registration.code, offering_id=offering.pk, seats=2)
    prefix, body, signature = genuine.split(".")
    forged = f"{prefix}.{body}.{signature[:-4]}AAAA"
    door.get_by_label("Ticket code or scanned text").fill(forged)
    door.get_by_role("button", name="Check in").click()
    expect(door.locator("#verdict")).to_have_text(
        "The ticket's signature does not match: it was altered or forged."
    )
    assert registration.checked_in_at is not None

    # The network drops: a valid ticket is accepted on the device and queued, then synced.
    second = services.register(actor=UserFactory(), offering_id=offering.pk)
    door.context.set_offline(True)
    expect(door.locator("#network-state")).to_contain_text("Offline")
    door.get_by_label("Ticket code or scanned text").fill(
        sign_ticket(code=second.code, offering_id=offering.pk, seats=1)
    )
    door.get_by_role("button", name="Check in").click()
    expect(door.locator("#verdict")).to_contain_text("will be sent when online")
    expect(door.locator("#count-pending")).to_have_text("1")
    door.reload()  # the service worker serves the page without a network
    expect(door.locator("#count-pending")).to_have_text("1")
    door.context.set_offline(False)
    expect(door.locator("#count-checked-in")).to_have_text("2", timeout=20_000)
    expect(door.locator("#count-pending")).to_have_text("0")
    door.context.close()

    page.reload()
    expect(page.locator("#ticket-status")).to_contain_text("checked in")


def test_a_deleted_accounts_ticket_is_refused_at_the_door_even_offline(
    browser, live_server, regions
):
    """A signature stays valid for ever: the door refuses a withdrawn ticket offline because
    it keeps the list of withdrawn codes, served with the page and refreshed when online."""
    from cyberweek.privacy import services as privacy

    offering = OfferingFactory(title="开幕式", title_en="Opening ceremony", region=None)
    organiser(OrganiserRole.Level.NATIONAL, email="door@example.org")
    early, late = UserFactory(), UserFactory()
    tickets = {}
    for holder in (early, late):
        registration = services.register(actor=holder, offering_id=offering.pk)
        tickets[holder.pk] = sign_ticket(code=registration.code, offering_id=offering.pk, seats=1)
    privacy.delete_account(user=early, password=PASSWORD)

    door = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(door, "door@example.org")
    door.goto(f"/en/organiser/tickets/{offering.pk}/check-in/")
    expect(door.locator("#network-state")).to_have_text("Online")
    # Deleted after the page was served: the device learns it when the network comes back.
    privacy.delete_account(user=late, password=PASSWORD)
    door.context.set_offline(True)
    door.context.set_offline(False)
    expect(door.locator("#network-state")).to_have_text("Online")
    key = f"cw-check-in-withdrawn:{offering.pk}"
    # Polled from here: wait_for_function evaluates its predicate with eval, which the
    # page's Content-Security-Policy rightly forbids.
    stored = f"JSON.parse(localStorage.getItem('{key}') || '[]').length"
    for _ in range(100):
        if door.evaluate(stored) == 2:
            break
        door.wait_for_timeout(100)
    assert door.evaluate(stored) == 2

    door.context.set_offline(True)
    expect(door.locator("#network-state")).to_contain_text("Offline")
    for holder in (early, late):
        door.get_by_label("Ticket code or scanned text").fill(tickets[holder.pk])
        door.get_by_role("button", name="Check in").click()
        expect(door.locator("#verdict")).to_have_text(
            "This ticket was withdrawn (cancelled, or its account deleted): do not let it in."
        )
    expect(door.locator("#count-pending")).to_have_text("0")
    door.context.close()


def test_doors_of_one_event_show_names_and_share_scans_and_cancellations(
    browser, live_server, regions
):
    """Two doors at one event: the name is shown with the server's verdict (and logged);
    each sync brings the other door's check-ins and the cancellations, so offline a door
    catches a ticket let in elsewhere and refuses one cancelled after its page loaded."""
    from cyberweek.privacy.models import AccessLogEntry

    offering = OfferingFactory(title_en="Expo", region=None, asks_name=True, capacity=10)
    organiser(OrganiserRole.Level.NATIONAL, email="door@example.org")
    holders = [UserFactory() for _ in range(3)]
    regs = [
        services.register(actor=h, offering_id=offering.pk, name=n)
        for h, n in zip(holders, ["王小明", "李华", "张伟"], strict=True)
    ]
    signed = [sign_ticket(code=r.code, offering_id=offering.pk, seats=1) for r in regs]

    doors = []
    for _ in range(2):
        door = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
        sign_in(door, "door@example.org")
        door.goto(f"/en/organiser/tickets/{offering.pk}/check-in/")
        expect(door.locator("#network-state")).to_have_text("Online")
        doors.append(door)
    first, second = doors

    first.get_by_label("Ticket code or scanned text").fill(signed[0])
    first.get_by_role("button", name="Check in").click()
    expect(first.locator("#verdict")).to_have_text("Checked in: 1 seat(s). Attendee: 王小明")
    assert AccessLogEntry.objects.filter(what__contains=f"attendee name #{regs[0].pk}").exists()

    services.cancel_registration(actor=holders[2], registration_id=regs[2].pk)
    # The second door's next sync (its own check-in) brings both lists.
    second.get_by_label("Ticket code or scanned text").fill(signed[1])
    second.get_by_role("button", name="Check in").click()
    expect(second.locator("#verdict")).to_have_text("Checked in: 1 seat(s). Attendee: 李华")

    second.context.set_offline(True)
    expect(second.locator("#network-state")).to_contain_text("Offline")
    second.get_by_label("Ticket code or scanned text").fill(signed[0])
    second.get_by_role("button", name="Check in").click()
    expect(second.locator("#verdict")).to_have_text(
        "Already checked in at another door of this event: not counted again."
    )
    second.get_by_label("Ticket code or scanned text").fill(signed[2])
    second.get_by_role("button", name="Check in").click()
    expect(second.locator("#verdict")).to_have_text(
        "This ticket was withdrawn (cancelled, or its account deleted): do not let it in."
    )
    for door in doors:
        door.context.close()
