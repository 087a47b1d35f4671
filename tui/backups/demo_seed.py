"""Seed moto's CloudHSM v2 models with the demo world, deterministically and without HTTP."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from moto.cloudhsmv2.models import Backup, Cluster

from tui.backups.demo_data import (
    COPY_ROUTES,
    DENIED_REGION,
    HOSTILE_KEYS,
    HOSTILE_VALUES,
    NOT_ENABLED_REGION,
    OTHER_ACCOUNT,
    REGION_PLANS,
    TAG_COUNT_WEIGHTS,
    TAG_KEYS,
    TAG_VALUES,
    ClusterPlan,
)

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_DAY = timedelta(days=1)
_TAG_COUNTS = range(len(TAG_COUNT_WEIGHTS))
_TAG_COUNT_CUM = list(itertools.accumulate(TAG_COUNT_WEIGHTS))

#: Named backups a test or a demo tour can point at: name -> ((region, backup id), ...).
Landmarks = dict[str, tuple[tuple[str, str], ...]]


def _delete_at(item: Backup, when: datetime) -> None:
    """Set DeleteTimestamp, which moto's model declares as always None."""
    item.delete_timestamp = when  # type: ignore[assignment]


class Seeder:
    """Builds the world into plain lists of moto model objects; the caller installs them.

    Times are naive UTC like moto's own. Every random choice comes from one seeded Random in a
    fixed order, so equal specs give equal worlds. moto's API cannot create copies or set IDs,
    which is why the models are built directly here.
    """

    def __init__(self, anchor: datetime, seed: int, scale: float, account: str) -> None:
        self.now = anchor
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        self.account = account
        self.ids: set[str] = set()
        self.times: dict[str, set[datetime]] = {p.region: set() for p in REGION_PLANS}
        self.backups: dict[str, list[Backup]] = {p.region: [] for p in REGION_PLANS}
        self.clusters: dict[str, list[Cluster]] = {p.region: [] for p in REGION_PLANS}
        self.landmarks: Landmarks = {}
        self.gone_cluster = ""  # the retired cluster's ID, set by retired_and_shared

    def new_id(self, prefix: str) -> str:
        """A real-looking ID (`prefix` + 11 base32 characters), unique in this world."""
        while True:
            ident = prefix + "".join(self.rng.choices(_ID_ALPHABET, k=11))
            if ident not in self.ids:
                self.ids.add(ident)
                return ident

    def count(self, base: float, least: int = 1) -> int:
        """`base` scaled, but never below `least`, so tiny worlds keep every feature."""
        return max(least, round(base * self.scale))

    def cluster(self, region: str, plan: ClusterPlan) -> Cluster:
        """A live cluster with its retention policy, created long before any of its backups."""
        subnet = "subnet-" + "".join(self.rng.choices("0123456789abcdef", k=17))
        cluster = Cluster(
            backup_retention_policy={"Type": "DAYS", "Value": str(plan.retention_days)},
            hsm_type=plan.hsm_type,
            source_backup_id=None,
            subnet_ids=[subnet],
            tag_list=[
                {"Key": "Name", "Value": f"{plan.app}-{plan.env}"},
                {"Key": "env", "Value": plan.env},
                {"Key": "app", "Value": plan.app},
            ],
            mode=plan.mode,
            region_name=region,
        )
        cluster.cluster_id = self.new_id("cluster-")
        cluster.create_timestamp = self.now - timedelta(
            days=400 + self.rng.randrange(600), seconds=self.rng.randrange(86_400)
        )
        cluster.vpc_id = "vpc-" + "".join(self.rng.choices("0123456789abcdef", k=17))
        cluster.subnet_mapping = {f"{region}a": subnet}
        self.clusters[region].append(cluster)
        return cluster

    def backup(
        self,
        region: str,
        cluster_id: str,
        like: Backup | ClusterPlan,
        created: datetime,
        tags: list[dict[str, str]],
        account: str | None = None,
    ) -> Backup:
        """A READY backup at a free CreateTimestamp (moto sorts by it, so none may tie)."""
        taken = self.times[region]
        while created in taken:
            created += timedelta(seconds=1)
        taken.add(created)
        item = Backup(cluster_id, like.hsm_type, like.mode, tags, region_name=region)
        item.backup_id = self.new_id("backup-")
        item.backup_arn = (
            f"arn:aws:cloudhsm:{region}:{account or self.account}:backup/{item.backup_id}"
        )
        item.create_timestamp = created
        self.backups[region].append(item)
        return item

    def tags(self, plan: ClusterPlan) -> list[dict[str, str]]:
        """0 to 8 tags: a subset of the cluster's env/app plus backup-specific ones."""
        n = self.rng.choices(_TAG_COUNTS, cum_weights=_TAG_COUNT_CUM)[0]
        out = []
        for key in sorted(self.rng.sample(TAG_KEYS, n), key=TAG_KEYS.index):
            fixed = {"env": plan.env, "app": plan.app}
            value = fixed.get(key) or self.rng.choice(TAG_VALUES[key])
            out.append({"Key": key, "Value": value})
        return out

    def natives(self, region: str, base: int, plans: tuple[ClusterPlan, ...]) -> None:
        """Daily ~03:00 UTC backups over the past year (denser lately) plus ad-hoc ones."""
        clusters = [self.cluster(region, plan) for plan in plans]
        midnight = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        cum_weights = list(itertools.accumulate(p.weight for p in plans))
        for _ in range(self.count(base, least=len(plans) + 3)):
            i = self.rng.choices(range(len(plans)), cum_weights=cum_weights)[0]
            plan, day = plans[i], int(365 * self.rng.random() ** 2.4)
            if self.rng.random() < 0.8:
                slot = timedelta(hours=3, minutes=7 * i, seconds=self.rng.randrange(240))
                created = midnight - day * _DAY + slot
                if created > self.now - timedelta(hours=1):
                    created -= _DAY
            else:
                created = (
                    self.now - day * _DAY - timedelta(seconds=self.rng.randrange(3600, 86_400))
                )
            item = self.backup(region, clusters[i].cluster_id, plan, created, self.tags(plan))
            item.never_expires = self.rng.random() < 0.25
            expiry = created + plan.retention_days * _DAY
            if not item.never_expires and expiry < self.now:
                item.backup_state = "DELETED"
                deleted = expiry + timedelta(seconds=self.rng.randrange(600, 6 * 3600))
                _delete_at(item, min(deleted, self.now - timedelta(minutes=5)))
            elif self.now - created > _DAY and self.rng.random() < 0.06:
                item.backup_state = "PENDING_DELETION"
        for _ in range(self.count(base / 70)):
            i = self.rng.randrange(len(plans))
            created = self.now - timedelta(seconds=self.rng.randrange(120, 3300))
            item = self.backup(region, clusters[i].cluster_id, plans[i], created, [])
            item.backup_state, item.tag_list = "CREATE_IN_PROGRESS", self.tags(plans[i])
        self.ensure_states(region)
        self.purge_dates(region)

    def ensure_states(self, region: str) -> None:
        """Every region shows every state, even a tiny world: turn READY backups if need be."""
        ready = [
            b
            for b in self.newest_first(region)
            if b.backup_state == "READY" and self.now - b.create_timestamp > _DAY
        ]
        states = {b.backup_state for b in self.backups[region]}
        if "DELETED" not in states and ready:
            item = ready.pop()  # the oldest, deleted by hand halfway through its life
            item.backup_state, item.never_expires = "DELETED", False
            _delete_at(item, item.create_timestamp + (self.now - item.create_timestamp) / 2)
        if "PENDING_DELETION" not in states and ready:
            ready[len(ready) // 2].backup_state = "PENDING_DELETION"

    def purge_dates(self, region: str) -> None:
        """PENDING_DELETION backups purge within 7 days; the newest one or two within 24 h."""
        pending = [b for b in self.newest_first(region) if b.backup_state == "PENDING_DELETION"]
        soon = 2 if len(pending) >= 3 else 1
        for n, item in enumerate(pending):
            span = (3600, 20 * 3600) if n < soon else (3600, 7 * 86_400)
            _delete_at(item, self.now + timedelta(seconds=self.rng.randrange(*span)))

    def newest_first(self, region: str) -> list[Backup]:
        """The region's backups in the API's default order."""
        return sorted(self.backups[region], key=lambda b: b.create_timestamp, reverse=True)

    def owned(self, item: Backup) -> bool:
        """Only the demo account's own backups are copied or turned into landmarks."""
        return item.backup_arn.split(":")[4] == self.account

    def copyable(self, item: Backup) -> bool:
        """Finished, ours, and old enough that a copy of it has finished too."""
        return (
            item.backup_state != "CREATE_IN_PROGRESS"
            and self.owned(item)
            and item.create_timestamp < self.now - timedelta(minutes=30)
        )

    def copy(self, source: Backup, src_region: str, dst_region: str) -> Backup:
        """Copy `source` to another region 5 to 25 minutes after it was made.

        The copy keeps the ClusterId of the cluster that made the original (and names it as
        SourceCluster): no cluster in the destination owns it until one is restored from it.
        CreateTimestamp and CopyTimestamp are both when the copy was made.
        """
        copied = source.create_timestamp + timedelta(seconds=self.rng.randrange(300, 1500))
        tags = [dict(t) for t in source.tag_list]
        item = self.backup(dst_region, source.cluster_id, source, copied, tags)
        item.copy_timestamp = item.create_timestamp
        item.source_region, item.source_backup = src_region, source.backup_id
        item.source_cluster = source.cluster_id
        item.never_expires = source.never_expires
        return item

    def copies(self) -> None:
        """Landmark copies first (so every scale has them), then a scaled share per route.

        The landmarks start from READY backups over 3 days old; the retired cluster's backups
        guarantee two of those even in the tiniest world.
        """
        home, eu, west, ap = (p.region for p in REGION_PLANS)
        old = [
            b
            for b in self.newest_first(home)
            if b.backup_state == "READY"
            and self.owned(b)
            and self.now - b.create_timestamp > 3 * _DAY
        ]
        chain0, twice = old[0], old[1]
        chain1 = self.copy(chain0, home, eu)
        chain2 = self.copy(chain1, eu, ap)
        twice_eu, twice_west = self.copy(twice, home, eu), self.copy(twice, home, west)
        orphan = self.backup(west, chain0.cluster_id, chain0, self.now - 40 * _DAY, [])
        orphan.source_region, orphan.source_backup = home, self.new_id("backup-")
        orphan.source_cluster, orphan.copy_timestamp = chain0.cluster_id, orphan.create_timestamp
        self.landmarks["chain"] = (
            (home, chain0.backup_id),
            (eu, chain1.backup_id),
            (ap, chain2.backup_id),
        )
        self.landmarks["copied_twice"] = (
            (home, twice.backup_id),
            (eu, twice_eu.backup_id),
            (west, twice_west.backup_id),
        )
        self.landmarks["orphan_copy"] = ((west, orphan.backup_id),)
        done = {(b.source_backup, r) for r in self.backups for b in self.backups[r]}
        for src, dst, share in COPY_ROUTES:
            for item in self.newest_first(src):
                if item.source_region == dst or (item.backup_id, dst) in done:
                    continue  # no round trips, no second copy to the same region
                if self.copyable(item) and self.rng.random() < share:
                    self.copy(item, src, dst)
                    done.add((item.backup_id, dst))

    def retired_and_shared(self, home: str, shared: Iterable[tuple[str, int]]) -> None:
        """Backups of a cluster that no longer exists, and backups another account shares."""
        plan = REGION_PLANS[0].clusters[2]
        gone = self.gone_cluster = self.new_id("cluster-")
        ids = []
        for _ in range(self.count(3, least=2)):
            created = self.now - timedelta(days=200 + self.rng.randrange(130), hours=9)
            item = self.backup(home, gone, plan, created, [{"Key": "Name", "Value": "retired"}])
            item.never_expires = True
            ids.append((home, item.backup_id))
        self.landmarks["cluster_gone"] = tuple(ids)
        ids = []
        for region, base in shared:
            theirs = self.new_id("cluster-")
            for _ in range(self.count(base)):
                created = self.now - timedelta(seconds=self.rng.randrange(86_400, 60 * 86_400))
                tags = [{"Key": "owner", "Value": "partner-bank-ops"}]
                item = self.backup(region, theirs, plan, created, tags, account=OTHER_ACCOUNT)
                ids.append((region, item.backup_id))
        self.landmarks["shared"] = tuple(ids)

    def hostile(self) -> None:
        """Add a hostile tag to the newest three backups of each region and ~1 in 10 others."""
        k = 0
        for region in self.backups:
            for n, item in enumerate(self.newest_first(region)):
                if n < 3 or self.rng.random() < 0.1:
                    key = HOSTILE_KEYS[k % len(HOSTILE_KEYS)]
                    value = HOSTILE_VALUES[k % len(HOSTILE_VALUES)]
                    item.tag_list = [*item.tag_list, {"Key": key, "Value": value}]
                    k += 1

    def lineage_cases(self) -> None:
        """Lineage landmarks: a copy of a DELETED copy, and copies from regions we cannot read.

        Seeded last and from a Random of their own, so every other backup, ID and hostile tag
        stays exactly as it was; all are older than the first page of us-east-1 and eu-west-1,
        so those pages do not change either. The sources of the two copies from unreadable
        regions exist nowhere in the world: the demo refuses every call to those regions.
        """
        saved, self.rng = self.rng, random.Random(f"lineage-{self.seed}")
        home, eu, west, ap = (p.region for p in REGION_PLANS)
        plan = REGION_PLANS[0].clusters[2]  # 379 days: a 300-day-old backup is still READY
        cluster = self.clusters[home][2]
        midnight = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        created = midnight - 300 * _DAY + timedelta(hours=3, minutes=14)
        origin = self.backup(home, cluster.cluster_id, plan, created, self.tags(plan))
        origin.never_expires = False
        deleted = self.copy(origin, home, eu)  # later deleted by hand: copies never expire
        deleted.backup_state = "DELETED"
        _delete_at(deleted, self.now - 31 * _DAY - timedelta(seconds=self.rng.randrange(86_400)))
        survivor = self.copy(deleted, eu, ap)
        self.landmarks["copy_of_deleted"] = (
            (home, origin.backup_id),
            (eu, deleted.backup_id),
            (ap, survivor.backup_id),
        )
        # The retired cluster's other backups are all NeverExpires; this one is not, so its
        # expiry is "unknown" (the cluster, and with it the retention policy, is gone).
        created = midnight - 150 * _DAY + timedelta(hours=9, seconds=self.rng.randrange(600))
        unknown = self.backup(home, self.gone_cluster, plan, created, [])
        unknown.tag_list = [{"Key": "Name", "Value": "retired"}]
        self.landmarks["cluster_gone"] = (
            *self.landmarks["cluster_gone"],
            (home, unknown.backup_id),
        )
        like = REGION_PLANS[0].clusters[0]
        for name, src, dst, days in (
            ("copy_from_denied_region", DENIED_REGION, ap, 20),
            ("copy_from_not_enabled_region", NOT_ENABLED_REGION, west, 12),
        ):
            theirs = self.new_id("cluster-")
            created = self.now - days * _DAY - timedelta(seconds=self.rng.randrange(3600, 7200))
            item = self.backup(dst, theirs, like, created, self.tags(like))
            item.copy_timestamp = item.create_timestamp
            item.source_region, item.source_backup = src, self.new_id("backup-")
            item.source_cluster = theirs
            self.landmarks[name] = ((dst, item.backup_id),)
        self.rng = saved

    def build(self, hostile: bool) -> None:
        """Seed everything in a fixed order; hostile tags come last so they change nothing else.

        The lineage landmarks come after even those, from their own Random (see lineage_cases).
        """
        for plan in REGION_PLANS:
            self.natives(plan.region, plan.natives, plan.clusters)
        self.retired_and_shared(
            REGION_PLANS[0].region, ((p.region, p.shared) for p in REGION_PLANS if p.shared)
        )
        self.copies()
        if hostile:
            self.hostile()
        self.lineage_cases()
