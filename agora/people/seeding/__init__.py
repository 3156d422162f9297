"""Build a believable demo company for `agora seed`.

Two steps, kept apart so the first can be tested without a database:

1. `plan_company()` is pure Python and deterministic for a given seed. It takes a real
   communication graph (the e-mail network in SHARED_DATA_DIR/graphs) or, when that is missing,
   grows a synthetic one, and decides who is who: names, departments, reporting lines, profile
   texts, skills, interests and who follows whom.
2. `write_company()` inserts that plan with `bulk_create` in one transaction: a fixed number of
   queries whatever the size of the company (users are created without their post_save signal,
   so profiles and e-mail addresses are created here too).

The words the company is made of live in `vocabulary`, `departments`, `names_and_places`
and `demo_cast`; the graph in `graph`; the planning steps in `planner` (which calls
`org_chart`, `profiles`, `texts`, `follows` and `guests`); the database side in `writer`.
"""

from .follows import DEMO_EMPLOYEE_FOLLOWS
from .guests import EXTRA_GUESTS
from .plan import CompanyPlan, PersonPlan
from .planner import MIN_PEOPLE, plan_company
from .writer import SeedSummary, company_exists, seed_company, write_company

__all__ = [
    "DEMO_EMPLOYEE_FOLLOWS",
    "EXTRA_GUESTS",
    "MIN_PEOPLE",
    "CompanyPlan",
    "PersonPlan",
    "SeedSummary",
    "company_exists",
    "plan_company",
    "seed_company",
    "write_company",
]
