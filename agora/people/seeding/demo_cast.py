"""The people behind the demo logins of `agora.people.demo.DEMO_ACCOUNTS`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPerson:
    """Who stands behind each demo login: fixed, so the demo reads the same every time."""

    first_name: str
    last_name: str
    gender: str
    language: str
    location: str
    languages: tuple[str, ...]
    department: str | None = None  # moves the person there whatever the graph says
    headline: str | None = None


DEMO_PEOPLE = {
    "employee": DemoPerson("Camille", "Martin", "f", "fr", "Lyon", ("fr", "en", "es")),
    "community manager": DemoPerson(
        "Sam",
        "Taylor",
        "m",
        "en",
        "Paris",
        ("en", "fr"),
        department="Communication interne",
        headline="Community Manager · Internal Communications",
    ),
    "administrator": DemoPerson(
        "Alex",
        "Morel",
        "m",
        "fr",
        "Paris",
        ("fr", "en"),
        department="DSI — Informatique interne",
        headline="Administrateur de la plateforme Agora",
    ),
    "external guest": DemoPerson(
        "Jordan",
        "Lee",
        "f",
        "en",
        "London",
        ("en", "fr"),
        headline="Consultant at Northwind Partners",
    ),
}
