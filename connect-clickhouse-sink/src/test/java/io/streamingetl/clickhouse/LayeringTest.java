package io.streamingetl.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink's packages form layers, each importing only from the layers below it, in the order a
 * record travels and then what every step stands on. The README's design section draws the same
 * list; a new import that points up (a buffer reaching for the planner, a writer for the DDL)
 * fails here with the file and the import named.
 */
class LayeringTest {
    /** Top to bottom. The connector's own package is the top; sub-packages belong to their parent. */
    static final List<String> LAYERS = List.of(
            "",         // ClickHouseSinkConnector, ConnectionCheck: what Connect instantiates and validate()
            "sink",     // ClickHouseSinkTask: adapts Connect's calls to the flow
            "flow",     // the per-partition state machines, the budget, the inserter
            "route",    // record -> table and shard
            "migrate",  // source schema changes applied to ClickHouse at their place in the stream
            "schema",   // record schema -> column plan; type mapping; evolution decisions
            "write",    // INSERT of a sealed buffer, retries, refused rows
            "state",    // remembered ranges and the dedup check of replay safety
            "ddl",      // table structure and DDL, on one server or every node
            "buffer",   // encoded rows of one table from one partition
            "encode",   // RowBinary per column, the INSERT's row format
            "cluster",  // shards, replicas, which shard answers
            "client",   // the official client, error classes
            "metrics",
            "sql",      // quoting of identifiers and literals, table ids
            "config");  // the ConfigDef and its parsed groups

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.streamingetl\\.clickhouse\\.([a-z]\\w*)\\.",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("io\\.streamingetl\\.clickhouse\\.([a-z]\\w*)\\.[A-Za-z]");

    @Test
    void everyImportPointsDown() throws IOException {
        Path root = Path.of("src/main/java/io/streamingetl/clickhouse");
        assertTrue(Files.isDirectory(root), "run from the module directory: " + root.toAbsolutePath());
        List<String> upward = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                Path rel = root.relativize(file);
                String layer = rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
                if (!LAYERS.contains(layer)) {
                    unknown.add(rel.toString());
                    continue;
                }
                String text = Files.readString(file);
                for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        String target = LAYERS.contains(m.group(1)) ? m.group(1) : "";
                        if (!target.equals(layer) && LAYERS.indexOf(target) < LAYERS.indexOf(layer)) {
                            upward.add(rel + " (" + label(layer) + ") uses " + label(target) + ": "
                                    + text.substring(m.start(), text.indexOf('\n', m.start())).strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 50, "read the sources: " + files + " files");
        assertEquals(List.of(), unknown, "packages outside the layer list: add them to LAYERS and the README");
        assertEquals(List.of(), upward, "imports that point up a layer");
    }

    private static String label(String layer) {
        return layer.isEmpty() ? "the connector package" : layer;
    }
}
