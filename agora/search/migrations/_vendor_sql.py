"""What the search migrations share: raw SQL per database vendor, run from RunPython (a leading
underscore keeps Django's migration loader from taking this module for a migration)."""


def run_by_vendor(statements_by_vendor: dict[str, list[str]]):
    """A RunPython function executing the statements listed for the database's vendor."""

    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run
