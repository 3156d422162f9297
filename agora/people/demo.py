"""The demo logins `agora seed` creates and `agora serve` prints."""

DEMO_PASSWORD = "agora-demo"
DEMO_ACCOUNTS = [
    # (role shown to the person starting the demo, e-mail, kind)
    ("employee", "camille.martin@demo.agora.test", "employee"),
    ("community manager", "sam.taylor@demo.agora.test", "employee"),
    ("administrator", "admin@demo.agora.test", "admin"),
    ("external guest", "jordan.lee@partner.example", "guest"),
]
COMMUNITY_MANAGERS_GROUP = "Community managers"
