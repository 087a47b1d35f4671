"""Fixed tables the demo world is drawn from: regions, clusters, tag values and hostile strings."""

from __future__ import annotations

from dataclasses import dataclass

#: The account that shares a few backups with the demo account (Shared=True finds them).
OTHER_ACCOUNT = "210987654321"
#: A region where the demo identity may not call CloudHSM (every call is access denied).
DENIED_REGION = "ap-northeast-1"
#: An opt-in region the demo account has not enabled (every call: UnrecognizedClientException).
NOT_ENABLED_REGION = "me-south-1"


@dataclass(frozen=True, slots=True)
class ClusterPlan:
    """One live cluster: what its backups look like and how long it keeps them."""

    hsm_type: str
    mode: str
    retention_days: int
    env: str
    app: str
    weight: float  # share of the region's scheduled backups this cluster makes


@dataclass(frozen=True, slots=True)
class RegionPlan:
    """One region at scale 1: backups its own clusters made and backups shared into it."""

    region: str
    natives: int
    clusters: tuple[ClusterPlan, ...]
    shared: int = 0


REGION_PLANS: tuple[RegionPlan, ...] = (
    RegionPlan(
        "us-east-1",
        140,
        (
            ClusterPlan("hsm2m.medium", "FIPS", 90, "prod", "payments", 3.0),
            ClusterPlan("hsm2m.medium", "NON_FIPS", 30, "staging", "payments", 1.5),
            ClusterPlan("hsm1.medium", "FIPS", 379, "prod", "pki-root-ca", 1.0),
            ClusterPlan("hsm2m.medium", "FIPS", 7, "dev", "tokenization", 1.0),
            ClusterPlan("hsm1.medium", "FIPS", 30, "prod", "code-signing", 1.5),
        ),
        shared=6,
    ),
    RegionPlan(
        "eu-west-1",
        45,
        (
            ClusterPlan("hsm2m.medium", "FIPS", 90, "prod", "payments-eu", 2.0),
            ClusterPlan("hsm2m.medium", "NON_FIPS", 30, "test", "sepa-gateway", 1.0),
            ClusterPlan("hsm1.medium", "FIPS", 379, "prod", "eidas-signing", 1.0),
        ),
        shared=3,
    ),
    RegionPlan(
        "us-west-2",
        40,
        (
            ClusterPlan("hsm2m.medium", "FIPS", 30, "prod", "tokenization", 2.0),
            ClusterPlan("hsm1.medium", "FIPS", 90, "dr", "payments", 1.0),
            ClusterPlan("hsm2m.medium", "NON_FIPS", 7, "dev", "sandbox", 1.0),
        ),
    ),
    RegionPlan(
        "ap-southeast-2",
        20,
        (
            ClusterPlan("hsm2m.medium", "FIPS", 379, "prod", "payments-apac", 1.0),
            ClusterPlan("hsm2m.medium", "NON_FIPS", 30, "staging", "payments-apac", 1.0),
        ),
    ),
)

#: (source region, destination region, share of the source's backups copied there). Applied in
#: order, so the eu-west-1 → ap-southeast-2 route also copies copies that came from us-east-1.
COPY_ROUTES: tuple[tuple[str, str, float], ...] = (
    ("us-east-1", "eu-west-1", 0.12),
    ("us-east-1", "us-west-2", 0.05),
    ("us-west-2", "ap-southeast-2", 0.08),
    ("eu-west-1", "ap-southeast-2", 0.15),
    ("eu-west-1", "us-east-1", 0.15),
)

_LONG_NOTE = (
    "retain until the FY2027 audit closes; ask security-eng before deleting; restore runbook: "
    "https://wiki.example.com/hsm/backups/retention-and-restore-procedures#cross-region-copies"
)

#: Tag key -> values; `env` and `app` come from the cluster instead. Some values are long and
#: some are wide (CJK, emoji) on purpose: the table and detail pane must cope with both.
TAG_VALUES: dict[str, tuple[str, ...]] = {
    "owner": (
        "payments-platform",
        "security-eng",
        "pki-team",
        "j.doe@example.com",
        "データ基盤チーム",
        "sre-oncall",
    ),
    "cost-center": ("cc-1042", "cc-2210", "CC-7781-FIN", "4711"),
    "ticket": ("CHG-20931", "INC-4410", "SEC-118", "JIRA-PAY-3307", _LONG_NOTE),
    "data-classification": ("confidential", "restricted", "internal", "pci-dss"),
    "backup-window": ("03:00-04:00Z", "daily 03:00 UTC", "sun 01:00-05:00"),
    "Name": (
        "nightly",
        "pre-rotation snapshot",
        "before-upgrade hsm2m",
        "支払い処理 nightly",
        "🔐 root CA ceremony",
        "Zahlungsverkehr: tägliche Sicherung",
    ),
}
#: The order tags are listed in: cluster-wide tags first, then the backup's own.
TAG_KEYS: tuple[str, ...] = ("env", "app", *TAG_VALUES)
#: How often a backup has 0, 1, … 8 tags.
TAG_COUNT_WEIGHTS: tuple[int, ...] = (8, 6, 10, 14, 16, 14, 10, 6, 4)

#: Strings no tag should be able to act on: markup, actions, terminal escapes, bidi overrides,
#: invisible characters. The order decides which backups carry which (see demo_seed.hostile):
#: the first five are on the first screen of us-east-1 (tests/test_terminal.py walks them),
#: the clipboard write and the title change next, still on its first page.
HOSTILE_VALUES: tuple[str, ...] = (
    "[@click=app.quit]x[/]",
    "tag[/oops]",
    "[bold red]styled[/]",
    "\x1b[2J\x1b[Hcleared",
    "\x1b]0;pwned\x07title",
    # Issue 14: what a terminal does beyond the screen. OSC 52 writes the clipboard (tmux with
    # set-clipboard on keeps it as a paste buffer); OSC 2 and a C1 OSC retitle the window; DSR
    # makes the terminal type its cursor position into the app. Ended by ST, BEL or C1 ST.
    "\x1b]52;c;ZWNobyBQV05FRAo=\x1b\\clipboard",  # `echo PWNED` onto the clipboard
    "\x1b]2;pwned\x1b\\retitled",
    "\x9d0;pwned\x9cc1 title",
    "\x1b]52;c;ZWNobyBQV05FRAo=\x07bel",
    "\x1b[6nreport",
    "\u202eexe.txt\u202c",
    "\x9b31mred",
    "nul\x00del\x7fbell\x07",
    "line one\nline two\ttabbed",
    # Blank or invisible: fake blanks and look-alike names (Hangul fillers, CGJ, variation
    # selectors, Mongolian vowel separator, interlinear annotation, braille blank).
    "adm\u115fin\u1160\u3164\uffa0",
    "cgj\u034fvs\ufe0f\U000e0100\u180e",
    "ann\ufff9hidden\ufffat\ufffbxt",
    "blank\u2800\u2800braille",
    "x" * 256,
    "全角" * 128,
    "🔥" * 40,
)
HOSTILE_KEYS: tuple[str, ...] = (
    "note",
    "note",
    "[b]key[/b]",
    "\x1b[31mkey",
    "\x1b]52;c;cHduZWQK\x07key",
)
