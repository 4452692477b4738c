package io.streamingetl.enrich.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Flatten;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import io.debezium.transforms.ExtractNewRecordState;
import io.streamingetl.enrich.CdcEnrich;
import io.streamingetl.enrich.Fixtures;

/**
 * One pass over a mixed stream of real Debezium records (c/u/d/r of the wide all_types table and
 * the narrow person table, schema'd, from the fixtures) through (a) CdcEnrich$Value and (b)
 * Debezium's ExtractNewRecordState + Kafka's Flatten$Value, configured to give the same columns
 * (op, source.ts_ms, db, table; deletes rewritten as rows with a delete flag).
 * One benchmark operation = the whole stream; SmtBench turns ops/s into records/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmtBenchmark {

    static final Set<String> TABLES = Set.of("all_types", "person");
    static final Set<String> OPS = Set.of("c", "u", "d", "r");

    private SourceRecord[] stream;
    private Transformation<SourceRecord> ours;
    private Transformation<SourceRecord> unwrap;
    private Transformation<SourceRecord> flatten;

    /** The benchmark stream: the fixture records of the two tables, in topic order, each once. */
    public static List<SourceRecord> stream() {
        List<SourceRecord> out = new ArrayList<>();
        for (Fixtures.Fixture f : Fixtures.withSchemas()) {
            if (TABLES.contains(f.table()) && OPS.contains(f.op())) {
                out.add(new SourceRecord(Map.of("server", "bench"), Map.of("pos", f.offset), f.topic, f.partition,
                        f.key.schema(), f.key.value(), f.value.schema(), f.value.value()));
            }
        }
        return out;
    }

    @Setup(Level.Trial)
    public void setUp() {
        stream = stream().toArray(new SourceRecord[0]);
        ours = new CdcEnrich.Value<>();
        // The stream repeats, so versions fall at the start of every pass, which the order check would
        // (rightly) refuse; a real task never sees a change twice.
        ours.configure(Map.of("version.order.check", "false",
                "recent.changes", System.getProperty("bench.recent.changes", "20")));
        unwrap = new ExtractNewRecordState<>();
        unwrap.configure(Map.of("add.fields", "op,source.ts_ms,db,table",
                "delete.tombstone.handling.mode", "rewrite"));
        flatten = new Flatten.Value<>();
        flatten.configure(Map.of("delimiter", "_"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ours.close();
        unwrap.close();
        flatten.close();
    }

    @Benchmark
    public void ours(Blackhole bh) {
        for (SourceRecord r : stream) {
            bh.consume(ours.apply(r));
        }
    }

    @Benchmark
    public void baseline(Blackhole bh) {
        for (SourceRecord r : stream) {
            SourceRecord u = unwrap.apply(r);
            bh.consume(u == null ? null : flatten.apply(u));
        }
    }
}
