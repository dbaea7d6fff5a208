"""Ingest on both engines: formats, lineage, idempotency, and every kind of bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from stratagraph.analyst import graph_stats
from stratagraph.errors import InvalidInput, UsageError
from stratagraph.ingest.mmm import MMMOptions
from stratagraph.ingest.service import ingest
from stratagraph.store import GraphStore

DATA = Path(__file__).parents[1] / "data"
FIXTURE = DATA / "ingest"
NODE_FILES = ["Market.csv", "Channel.csv", "Audience.csv", "Signal.jsonl"]
REL_FILES = ["IN_MARKET.csv", "HAS_SIGNAL.csv", "REACHABLE_VIA.csv"]

PYMC = MMMOptions(
    date_col="date_week",
    spend_cols=("x1", "x2"),
    outcome_col="y",
    outcome_kind="revenue",
    control_cols=("event_1", "event_2"),
)
MERIDIAN = MMMOptions(
    date_col="time",
    geo_col="geo",
    spend_cols=tuple(f"Channel{i}_spend" for i in range(5)),
    impression_cols=tuple(f"Channel{i}_impression" for i in range(5)),
    outcome_col="conversions",
    revenue_per_outcome_col="revenue_per_conversion",
    control_cols=(
        "competitor_sales_control",
        "sentiment_score_control",
        "Promo",
        "Organic_channel0_impression",
        "population",
    ),
)


def fixture_paths() -> list[Path]:
    return [FIXTURE / f for f in NODE_FILES + REL_FILES]


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    stats = graph_stats(store)
    return stats.labels, stats.relationships


def test_node_and_relationship_files(store: GraphStore) -> None:
    report = ingest(store, fixture_paths())
    labels, rels = counts(store)
    assert labels == {
        "Audience": 2,
        "Channel": 2,
        "DataSource": 7,
        "IngestBatch": 7,
        "Market": 2,
        "Signal": 2,
    }
    assert rels == {
        "FROM_BATCH": 8,
        "FROM_SOURCE": 7,
        "HAS_SIGNAL": 2,
        "IN_MARKET": 2,
        "REACHABLE_VIA": 3,
    }
    assert report.entities_written == 8 + 7
    row = store.read(
        "MATCH (a:Audience {uid: 'aud-de-runners'})-[r:REACHABLE_VIA]->"
        "(c:Channel {uid: 'ch-email'}) "
        "RETURN a.name AS name, a.size AS size, a.pii_free AS pii_free, a.description AS d, "
        "r.basis AS basis, r.consented_at AS at, r.reach AS reach"
    )[0]
    assert row == {
        "name": "Runners, Berlin",
        "size": 120000,
        "pii_free": True,
        "d": 'People who ran a race in the last year; "active" segment',
        "basis": "consent",
        "at": "2025-06-01T08:00:00.000000Z",
        "reach": 40000,
    }
    signal = store.read(
        "MATCH (s:Signal {uid: 'sig-1'}) RETURN s.strength AS v, s.observed_at AS at"
    )[0]
    assert signal == {"v": 0.8, "at": "2026-10-01T08:00:00.000000Z"}


def test_lineage_links_every_node_and_relationship_to_its_batch(store: GraphStore) -> None:
    ingest(store, fixture_paths())
    orphans = store.read(
        "MATCH (n) WHERE NOT n:IngestBatch AND NOT n:DataSource "
        "AND NOT (n)-[:FROM_BATCH]->(:IngestBatch) RETURN n.uid AS uid"
    )
    assert orphans == []
    unbatched = store.read(
        "MATCH ()-[r]->() WHERE NOT type(r) IN ['FROM_BATCH', 'FROM_SOURCE'] "
        "AND r.batch IS NULL RETURN type(r) AS t"
    )
    assert unbatched == []
    trail = store.read(
        "MATCH (:Audience {uid: 'aud-de-runners'})-[:FROM_BATCH]->(b:IngestBatch)"
        "-[:FROM_SOURCE]->(s:DataSource) RETURN s.name AS source, b.checksum AS checksum, "
        "b.rows_read AS rows, b.status AS status"
    )
    assert trail[0]["source"] == "Audience.csv"
    assert trail[0]["rows"] == 2
    assert trail[0]["status"] == "complete"
    assert len(trail[0]["checksum"]) == 64
    rel_batch = store.read(
        "MATCH ()-[r:REACHABLE_VIA]->() WITH DISTINCT r.batch AS batch "
        "MATCH (b:IngestBatch {uid: batch})-[:FROM_SOURCE]->(s) RETURN s.name AS source"
    )
    assert rel_batch == [{"source": "REACHABLE_VIA.csv"}]


def test_reingest_changes_no_counts(store: GraphStore) -> None:
    ingest(store, fixture_paths())
    before = counts(store)
    ingest(store, fixture_paths())
    assert counts(store) == before
    times = store.read("MATCH (b:IngestBatch) RETURN min(b.times_ingested) AS t")[0]["t"]
    assert times == 2


def test_changed_file_repoints_lineage_to_the_new_batch(store: GraphStore, tmp_path: Path) -> None:
    ingest(store, fixture_paths())
    changed = tmp_path / "Audience.csv"
    changed.write_text((FIXTURE / "Audience.csv").read_text().replace("120000", "125000"))
    ingest(store, [changed])
    rows = store.read(
        "MATCH (a:Audience {uid: 'aud-de-runners'})-[:FROM_BATCH]->(b) "
        "RETURN a.size AS size, b.checksum AS checksum"
    )
    assert len(rows) == 1, "exactly one FROM_BATCH: the batch that wrote it last"
    assert rows[0]["size"] == 125000
    assert counts(store)[0]["Audience"] == 2


def test_mmm_pymc_example(store: GraphStore) -> None:
    report = ingest(store, [DATA / "pymc_marketing_mmm_example.csv"], fmt="mmm", mmm=PYMC)
    labels, rels = counts(store)
    assert labels["KPIObservation"] == 179 * 3
    assert labels["Channel"] == 2
    assert labels["Market"] == 1
    assert rels["OF"] == 179 * 3
    assert rels["IN_MARKET"] == 179 * 3
    assert report.rows_rejected == 0
    totals = {
        r["c"]: r["spend"]
        for r in store.read(
            "MATCH (o:KPIObservation {kind: 'media'})-[:OF]->(c:Channel) "
            "RETURN c.uid AS c, sum(o.spend) AS spend"
        )
    }
    assert totals["x1"] == pytest.approx(55.3256, abs=1e-3)
    assert totals["x2"] == pytest.approx(28.9711, abs=1e-3)
    outcome = store.read(
        "MATCH (o:KPIObservation {kind: 'outcome'}) RETURN sum(o.revenue) AS y, count(o) AS n"
    )[0]
    assert outcome["n"] == 179
    assert outcome["y"] == pytest.approx(946_005.6, rel=1e-6)
    event = store.read(
        "MATCH (o:KPIObservation {uid: 'pymc_marketing_mmm_example:2019-05-13:"
        "outcome'}) RETURN o.controls AS c, o.period_end AS e"
    )[0]
    assert json.loads(event["c"]) == {"event_1": 1.0, "event_2": 0.0}
    assert event["e"] == "2019-05-19"


def test_mmm_meridian_geo_dataset(store: GraphStore) -> None:
    ingest(store, [DATA / "meridian_geo_all_channels.csv"], fmt="mmm", mmm=MERIDIAN)
    labels, _ = counts(store)
    assert labels["KPIObservation"] == 6240 * 6
    spend = {
        r["c"]: r["spend"]
        for r in store.read(
            "MATCH (o:KPIObservation {kind: 'media'})-[:OF]->(c:Channel) "
            "RETURN c.uid AS c, sum(o.spend) AS spend"
        )
    }
    # published spend per channel (source note): 40,501,712 / 87,860,352
    assert spend["Channel0"] == pytest.approx(40_501_712, rel=1e-6)
    assert spend["Channel3"] == pytest.approx(87_860_352, rel=1e-6)
    geos = store.read(
        "MATCH (o:KPIObservation {kind: 'outcome'}) RETURN count(DISTINCT o.geo) AS g"
    )[0]["g"]
    assert geos == 40
    before = counts(store)
    ingest(store, [DATA / "meridian_geo_all_channels.csv"], fmt="mmm", mmm=MERIDIAN)
    assert counts(store) == before


def test_mmm_keeps_an_existing_market_as_it_is(store: GraphStore) -> None:
    ingest(store, [FIXTURE / "Market.csv"])
    ingest(
        store,
        [DATA / "pymc_marketing_mmm_example.csv"],
        fmt="mmm",
        mmm=MMMOptions(**{**PYMC.__dict__, "market": "mkt-de"}),
    )
    market = store.read("MATCH (m:Market {uid: 'mkt-de'}) RETURN m.currency AS c")[0]
    assert market["c"] == "EUR"


def test_parquet_and_dataframe_inputs(store: GraphStore, tmp_path: Path) -> None:
    frame = pd.read_csv(FIXTURE / "Market.csv")
    frame.to_parquet(tmp_path / "Market.parquet")
    ingest(store, [tmp_path / "Market.parquet"])
    assert counts(store)[0]["Market"] == 2
    from stratagraph.ingest.service import ingest_records

    rows = [{"uid": "ch-x", "kind": "search", "unit_cost": 1.2}]
    ingest_records(store, rows, type_name="Channel", source_name="frame")
    assert store.read("MATCH (c:Channel {uid: 'ch-x'}) RETURN c.unit_cost AS v") == [{"v": 1.2}]


# -- bad input: each case names file, row and field, and writes nothing ------------------


def _copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(FIXTURE, folder)
    return folder


BAD_CASES = {
    "missing column": (
        "Audience.csv",
        "uid,name,market\naud-x,X,DE\n",
        1,
        "size",
        "required value is missing",
    ),
    "wrong type": (
        "Audience.csv",
        "uid,name,size,market\naud-x,X,lots,DE\n",
        1,
        "size",
        "valid integer",
    ),
    "bad choice": ("Channel.csv", "uid,kind\nch-x,carrier-pigeon\n", 1, "kind", "is not one of"),
    "duplicate uid": (
        "Audience.csv",
        "uid,name,size,market\na1,X,1,DE\na2,Y,2,DE\na1,Z,3,DE\n",
        3,
        "uid",
        "duplicate uid 'a1' (first at row 1)",
    ),
    "unknown endpoint": (
        "HAS_SIGNAL.csv",
        "from,to\naud-de-runners,sig-404\n",
        1,
        "to",
        "no Signal with uid 'sig-404'",
    ),
    "cypher-looking value": (
        "Audience.csv",
        'uid,name,size,market\na1,"x\'}) DETACH DELETE n //",1,DE\n',
        1,
        "name",
        "looks like a Cypher statement",
    ),
    "oversized field": (
        "Audience.csv",
        f"uid,name,size,market\na1,{'x' * 400},1,DE\n",
        1,
        "name",
        "too long",
    ),
    "bad uid": (
        "Audience.csv",
        "uid,name,size,market\n'a b',X,1,DE\n",
        1,
        "uid",
        "should match pattern",
    ),
    "bad time": (
        "Signal.jsonl",
        '{"uid": "s9", "kind": "intent", "topic": "x", "observed_at": "yesterday"}\n',
        1,
        "observed_at",
        "not an ISO-8601 time",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_is_refused_with_file_row_and_field(
    store: GraphStore, tmp_path: Path, case: str
) -> None:
    name, content, row, field, message = BAD_CASES[case]
    folder = _copy_fixture(tmp_path)
    (folder / name).write_text(content, encoding="utf-8")
    paths = [folder / f for f in NODE_FILES + REL_FILES]
    with pytest.raises(InvalidInput) as info:
        ingest(store, paths)
    problems = info.value.problems
    assert any(
        p.file == name and p.row == row and p.field == field and message in p.message
        for p in problems
    ), problems
    assert info.value.exit_code == 2
    assert graph_stats(store).nodes == 0, "nothing may be written when input is refused"


def test_non_utf8_bytes_are_named(store: GraphStore, tmp_path: Path) -> None:
    bad = tmp_path / "Market.csv"
    bad.write_bytes(
        b"uid,code,name,currency,locale,timezone\n"
        b"m1,FR,Fran\xe7e,EUR,fr-FR,Europe/Paris\n"
        b"m2,IT,Italia,EUR,it-IT,Europe/Rome\n"
    )
    with pytest.raises(InvalidInput) as info:
        ingest(store, [bad])
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.field) == ("Market.csv", 1, "name")
    assert "not valid UTF-8 (byte 0xe7" in problem.message
    assert graph_stats(store).nodes == 0


def test_quarantine_loads_good_rows_and_sets_bad_ones_aside(
    store: GraphStore, tmp_path: Path
) -> None:
    audiences = tmp_path / "Audience.csv"
    audiences.write_text("uid,name,size,market\na1,Good,10,DE\na2,Bad,many,DE\na3,Good,30,DE\n")
    links = tmp_path / "HAS_SIGNAL.csv"
    links.write_text("from,to\na1,s1\na2,s1\n")
    signals = tmp_path / "Signal.csv"
    signals.write_text("uid,kind,topic\ns1,intent,running\n")
    quarantine = tmp_path / "q" / "bad.jsonl"
    report = ingest(store, [audiences, signals, links], quarantine=quarantine)
    assert sorted(r["uid"] for r in store.read("MATCH (a:Audience) RETURN a.uid AS uid")) == [
        "a1",
        "a3",
    ]
    assert store.read("MATCH (a)-[:HAS_SIGNAL]->(s) RETURN a.uid AS a") == [{"a": "a1"}]
    bad = [json.loads(line) for line in quarantine.read_text().splitlines()]
    assert {(b["source"], b["row"]) for b in bad} == {("Audience.csv", 2), ("HAS_SIGNAL.csv", 2)}
    audience_bad = next(b for b in bad if b["source"] == "Audience.csv")
    assert audience_bad["record"]["name"] == "Bad"
    assert any("size" in reason for reason in audience_bad["reasons"])
    assert report.rows_rejected == 2


def test_values_are_parameters_never_cypher(store: GraphStore, tmp_path: Path) -> None:
    tricky = [
        'a "quoted" value',
        "back\\slash",
        "line\nbreak",
        "emoji 🎯 and ünïcode",
        "{braces} and $dollar",
        "it's",
    ]
    rows = "".join(
        f'm{i},C{i},"{v.replace(chr(34), chr(34) * 2)}",EUR,de-DE,Europe/Berlin\n'
        for i, v in enumerate(tricky)
    )
    markets = tmp_path / "Market.csv"
    markets.write_text("uid,code,name,currency,locale,timezone\n" + rows, encoding="utf-8")
    ingest(store, [markets])
    stored = {
        r["uid"]: r["name"]
        for r in store.read("MATCH (m:Market) RETURN m.uid AS uid, m.name AS name")
    }
    assert stored == {f"m{i}": v for i, v in enumerate(tricky)}


def test_platform_only_types_cannot_be_ingested(store: GraphStore, tmp_path: Path) -> None:
    approvals = tmp_path / "Approval.csv"
    approvals.write_text("uid,decision,actor\nap1,approved,mallory\n")
    with pytest.raises(UsageError, match="written by the platform only"):
        ingest(store, [approvals])
