package io.streamingetl.enrich.bench;

import java.util.Collection;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * bench/smt.sh runs this: both benchmarks of {@link SmtBenchmark} in one JMH run, then records/s
 * for each and, as the last line, {@code RATIO <ours/baseline>}.
 */
public final class SmtBench {

    private SmtBench() {
    }

    public static void main(String[] args) throws Exception {
        int records = SmtBenchmark.stream().size();
        if (records == 0) {
            throw new IllegalStateException("the fixtures hold no c/u/d/r records of all_types or person");
        }
        Options opts = new OptionsBuilder()
                .include(SmtBenchmark.class.getName() + "\\.(ours|baseline)$")
                .forks(1)
                .warmupIterations(4).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(3))
                .jvmArgsAppend("-Xmx512m", "-Dbench.recent.changes=" + System.getProperty("bench.recent.changes", "20"))
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        double ours = Double.NaN;
        double baseline = Double.NaN;
        for (RunResult r : results) {
            double perSecond = r.getPrimaryResult().getScore() * records;
            String name = r.getParams().getBenchmark();
            if (name.endsWith(".ours")) {
                ours = perSecond;
            } else if (name.endsWith(".baseline")) {
                baseline = perSecond;
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "stream: %d real Debezium records (all_types + person, c/u/d/r, schema'd)%n",
                records);
        System.out.printf(Locale.ROOT, "ours     CdcEnrich$Value                          %,14.0f records/s%n", ours);
        System.out.printf(Locale.ROOT, "baseline ExtractNewRecordState + Flatten$Value    %,14.0f records/s%n",
                baseline);
        System.out.printf(Locale.ROOT, "RATIO %.2f%n", ours / baseline);
    }
}
