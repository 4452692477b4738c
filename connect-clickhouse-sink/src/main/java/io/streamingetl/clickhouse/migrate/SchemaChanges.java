package io.streamingetl.clickhouse.migrate;

import io.streamingetl.clickhouse.config.TableSettings;
import io.streamingetl.clickhouse.ddl.ColumnInfo;
import io.streamingetl.clickhouse.ddl.DdlBuilder.ColumnDef;
import io.streamingetl.clickhouse.ddl.DdlBuilder.TableSpec;
import io.streamingetl.clickhouse.ddl.TableDescription;
import io.streamingetl.clickhouse.ddl.TableManager;
import io.streamingetl.clickhouse.schema.ColumnDefaults;
import io.streamingetl.clickhouse.schema.ColumnPlanner;
import io.streamingetl.clickhouse.schema.ColumnWidening;
import io.streamingetl.clickhouse.schema.SchemaChange;
import io.streamingetl.clickhouse.schema.SchemaChange.ColumnRename;
import io.streamingetl.clickhouse.schema.SchemaChange.Rename;
import io.streamingetl.clickhouse.schema.SchemaChange.SourceColumn;
import io.streamingetl.clickhouse.schema.SchemaChange.TableDef;
import io.streamingetl.clickhouse.schema.TypeFamilies;
import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.TableLineage;
import io.streamingetl.clickhouse.state.TableLineage.Move;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Applies a source schema change to ClickHouse at its place in the stream, after every row before
 * it is in and before any row after it. Every step is idempotent (it checks what ClickHouse has
 * first), because a crash between the change and the remembered marker replays the marker:
 * <ul>
 * <li>TRUNCATE: the rows before it go (CDC tables: a lightweight delete of the versions below the
 *     marker's, so rows after it that a replay brings first stay; other tables: TRUNCATE TABLE);
 * <li>ALTER: renamed columns follow their data (RENAME COLUMN); added columns are added with the
 *     source's default, so older rows read it; a retyped column is converted as the source
 *     converted its values ({@link Retype}: widened or cast in place where that cannot fail,
 *     DECIMALs rounded first); dropped columns are kept or dropped
 *     ({@code schema.changes.drop.columns}); a new primary key, a renamed or retyped key column
 *     or a cast that could fail on an old version builds a new generation of the table, filled
 *     from the live rows and swapped in atomically (EXCHANGE TABLES) while the old one served
 *     queries;
 * <li>RENAME TABLE (a swap too): the ClickHouse tables follow, in one statement;
 * <li>DROP TABLE: renamed aside or dropped ({@code schema.changes.drop.tables});
 * <li>CREATE TABLE over a ClickHouse table whose key or columns it cannot take: that one is renamed
 *     aside, and the new table starts clean from its first row.
 * </ul>
 * Renames and drops are recorded in the {@link TableLineage}, so rows of the old name still on their
 * way go where the table went.
 */
public final class SchemaChanges {
    private static final Logger log = LoggerFactory.getLogger(SchemaChanges.class);
    private static final DateTimeFormatter ASIDE = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private final TableManager tables;
    private final ColumnPlanner planner;
    private final TableSettings settings;
    private final TableLineage lineage;

    public SchemaChanges(TableManager tables, ColumnPlanner planner, TableSettings settings, TableLineage lineage) {
        this.tables = tables;
        this.planner = planner;
        this.settings = settings;
        this.lineage = lineage;
    }

    /**
     * Applies {@code change}; {@code names} maps a source database and table to the ClickHouse
     * table the sink's routing gives it. Returns the ClickHouse tables whose structure changed.
     */
    public Set<TableId> apply(SchemaChange change, BiFunction<String, String, TableId> names) {
        Set<TableId> touched = new LinkedHashSet<>();
        TableId own = names.apply(change.db(), change.table());
        try {
            // Markers of one table can arrive after a later rename or drop of it on another topic
            // (a swap's new table's topic is found seconds after the old name's): read what moved.
            lineage.reload();
            TableId now = lineage.resolve(own, change.version());
            if (!own.equals(now) && (change.kind().equals("ALTER") || change.kind().equals("CREATE"))) {
                // Its rows follow it (the lineage routes them), and the table it became has its own,
                // later definition: this one would take it back.
                log.info("Schema change of {} skipped: the table became {} after it: {}", own, now, change.ddl());
                return Set.of();
            }
            switch (change.kind()) {
                case "TRUNCATE" -> {
                    if (now != null) {
                        truncate(change, now); // the rows before it, wherever they went
                        touched.add(now);
                    }
                }
                case "RENAME" -> rename(change, names, touched);
                case "DROP" -> drop(change, names, touched);
                case "CREATE" -> create(change, names, touched);
                case "ALTER" -> alter(change, own, touched);
                default -> log.warn("Schema change of unknown kind {} skipped: {}", change.kind(), change.ddl());
            }
        } catch (ConnectException e) { // RetriableException too: classified already
            throw e;
        } catch (Exception e) {
            throw new ConnectException("applying the source's schema change '" + change.ddl() + "' failed: "
                    + e.getMessage(), e);
        }
        touched.add(own);
        touched.forEach(planner::invalidate);
        return touched;
    }

    private void truncate(SchemaChange change, TableId table) {
        TableDescription d = planner.describeNow(table);
        if (d == null) {
            return;
        }
        if (d.column(settings.versionField()) != null) {
            tables.deleteBelowVersion(table, settings.versionField(), change.version());
        } else {
            tables.truncate(table);
        }
    }

    private void rename(SchemaChange change, BiFunction<String, String, TableId> names, Set<TableId> touched)
            throws Exception {
        Map<TableId, Boolean> exists = new LinkedHashMap<>();
        List<TableId[]> pairs = new ArrayList<>();
        List<TableId[]> merges = new ArrayList<>();
        // A multi-table rename comes as one marker per pair, the last carrying them all, on
        // different topics: whichever arrives second finds its pairs applied already.
        for (Rename r : change.renames()) {
            TableId from = names.apply(r.fromDb(), r.fromTable());
            TableId to = names.apply(r.toDb(), r.toTable());
            touched.add(from);
            touched.add(to);
            if (lineage.recorded(new Move(from, change.version(), to))) {
                continue;
            }
            // The new name may have moved on already (a later rename applied first): follow it.
            TableId dest = lineage.resolve(to, change.version());
            if (dest == null) {
                log.warn("Source renamed {} to {}, which it has dropped since: {} stays as it is", from, to, from);
                continue;
            }
            to = dest;
            touched.add(to);
            boolean hasFrom = exists.computeIfAbsent(from, t -> planner.describeNow(t) != null);
            boolean hasTo = exists.computeIfAbsent(to, t -> planner.describeNow(t) != null);
            if (!hasFrom || from.equals(to)) {
                continue; // never had rows, or already moved (a replayed marker)
            }
            if (hasTo) {
                merges.add(new TableId[] {from, to}); // rows of the new name arrived first
            } else {
                pairs.add(new TableId[] {from, to});
            }
            exists.put(from, false);
            exists.put(to, true);
        }
        if (!pairs.isEmpty()) {
            tables.renameTables(pairs);
        }
        for (TableId[] m : merges) {
            merge(m[0], m[1]);
        }
        for (Rename r : change.renames()) {
            lineage.record(new Move(names.apply(r.fromDb(), r.fromTable()), change.version(),
                    names.apply(r.toDb(), r.toTable())));
        }
    }

    /** Both names exist: the old table's rows join the new one (versions decide in FINAL), then it goes. */
    private void merge(TableId from, TableId to) {
        TableDescription a = planner.describeNow(from);
        TableDescription b = planner.describeNow(to);
        List<String> common = new ArrayList<>();
        for (ColumnInfo c : a.columns()) {
            ColumnInfo other = b.column(c.name());
            if (c.insertable() && other != null && other.insertable()) {
                common.add(c.name());
            }
        }
        log.warn("Source renamed {} to {} after rows of {} reached ClickHouse: copying {}'s rows into it", from, to,
                to, from);
        tables.insertSelect(to, common, from, common.stream().map(Sql::quote).toList(), false);
        tables.dropTable(from);
    }

    private void drop(SchemaChange change, BiFunction<String, String, TableId> names, Set<TableId> touched)
            throws Exception {
        for (TableDef t : change.tables()) {
            TableId table = names.apply(t.db(), t.table());
            touched.add(table);
            boolean exists = planner.describeNow(table) != null;
            TableId aside = settings.dropTables() ? null : freeAside(table, "dropped", change, exists);
            if (exists && !lineage.recorded(new Move(table, change.version(), aside))) {
                if (aside == null) {
                    tables.dropTable(table);
                } else {
                    tables.renameTables(List.<TableId[]>of(new TableId[] {table, aside}));
                }
            }
            lineage.record(new Move(table, change.version(), aside));
        }
    }

    private void create(SchemaChange change, BiFunction<String, String, TableId> names, Set<TableId> touched)
            throws Exception {
        for (TableDef t : change.tables()) {
            TableId table = names.apply(t.db(), t.table());
            TableDescription d = planner.describeNow(table);
            if (d == null || fits(d, t, change)) {
                continue;
            }
            TableId aside = freeAside(table, "replaced", change, true);
            log.warn("Source created {} anew with a key or columns the ClickHouse table cannot take: moving the "
                    + "old one to {}", table, aside);
            tables.renameTables(List.<TableId[]>of(new TableId[] {table, aside}));
            lineage.record(new Move(table, change.version(), aside));
            touched.add(table);
        }
    }

    /** Whether the existing table takes the new definition's rows: the same key, every common column writable. */
    private boolean fits(TableDescription d, TableDef t, SchemaChange change) {
        if (!key(d, change).equals(new HashSet<>(t.primaryKey())) && !isChangeLog(d)) {
            return false;
        }
        for (SourceColumn c : t.columns()) {
            ColumnInfo existing = d.column(c.name());
            String type = planner.columnType(c, t.primaryKey().contains(c.name()));
            if (existing != null && type != null && !TypeFamilies.writable(type, existing.type())
                    && ColumnWidening.widened(existing.type(), type, existing.sortKey()) == null) {
                return false;
            }
        }
        return true;
    }

    private void alter(SchemaChange change, TableId table, Set<TableId> touched) {
        TableDescription d = planner.describeNow(table);
        TableDef def = change.definition(change.table());
        if (d == null || def == null) {
            return; // not created yet: the first row creates it with the new columns
        }
        Map<String, String> keyRenames = new LinkedHashMap<>();
        for (ColumnRename r : change.columnRenames()) {
            ColumnInfo from = d.column(r.from());
            if (from == null || d.column(r.to()) != null) {
                continue; // done already (a replayed marker), or nothing to move
            }
            if (from.sortKey()) {
                keyRenames.put(r.from(), r.to()); // ClickHouse cannot rename a key column in place
            } else {
                tables.renameColumn(table, r.from(), r.to());
            }
        }
        d = planner.describeNow(table);
        Map<String, Retype> copies = new LinkedHashMap<>();
        for (SourceColumn c : def.columns()) {
            String type = planner.columnType(c, def.primaryKey().contains(c.name()));
            ColumnInfo existing = d.column(sourceName(keyRenames, c.name()));
            if (type != null && existing != null && existing.insertable()) {
                Retype r = Retype.of(existing.type(), type, existing.sortKey());
                if (r.how() == Retype.How.COPY) {
                    copies.put(c.name(), r);
                }
            }
        }
        if (!keyRenames.isEmpty() || !copies.isEmpty() || (!isChangeLog(d) && !def.primaryKey().isEmpty()
                && !key(d, change).equals(new HashSet<>(def.primaryKey())))) {
            newGeneration(table, d, def, keyRenames, copies, change);
            d = planner.describeNow(table);
        }
        for (SourceColumn c : def.columns()) {
            boolean sortKey = def.primaryKey().contains(c.name());
            String type = planner.columnType(c, sortKey);
            if (type == null) {
                continue; // several columns (GEOMETRY, POINT): the first row adds them
            }
            ColumnInfo existing = d.column(c.name());
            if (existing == null) {
                tables.addColumn(table, c.name(), type, ColumnDefaults.fromSource(c.defaultValue(), type));
            } else if (existing.insertable()) {
                Retype r = Retype.of(existing.type(), type, existing.sortKey());
                if (r.how() == Retype.How.COPY) {
                    continue; // the generation above could not take it (a replayed marker finds it done)
                }
                if (r.rounds()) {
                    tables.roundColumn(table, c.name(), r.roundTo());
                }
                if (r.how() == Retype.How.MODIFY) {
                    tables.modifyColumn(table, c.name(), r.type());
                }
            }
        }
        if (settings.dropColumns()) {
            Set<String> keep = new HashSet<>(change.metaFields());
            keep.add(settings.versionField());
            keep.add(settings.deletedField());
            for (ColumnInfo c : d.columns()) {
                if (def.column(c.name()) == null && !keep.contains(c.name()) && !c.sortKey() && c.insertable()) {
                    tables.dropColumn(table, c.name());
                }
            }
        }
        touched.add(table);
    }

    /**
     * A new generation of the table: sorted by the source's key (key columns renamed as the source
     * renamed them), columns retyped that ClickHouse cannot convert in place, filled from the
     * current one's live rows (the rows the source converted, so every cast succeeds), then swapped
     * in atomically; the old generation is dropped. Queries read the old one until the swap.
     */
    private void newGeneration(TableId table, TableDescription d, TableDef def, Map<String, String> keyRenames,
                               Map<String, Retype> retypes, SchemaChange change) {
        TableId next = new TableId(table.database(), table.table() + "_gen_" + ASIDE.format(Instant.ofEpochMilli(tsMs(change))));
        log.info("Source changed {} (key {}, retyped {}): building {} and swapping it in", table, def.primaryKey(),
                retypes.keySet(), next);
        List<ColumnDef> columns = new ArrayList<>();
        List<String> select = new ArrayList<>();
        List<String> to = new ArrayList<>();
        boolean versioned = d.column(settings.versionField()) != null && d.column(settings.deletedField()) != null;
        for (ColumnInfo c : d.columns()) {
            if (!c.insertable()) {
                continue;
            }
            String name = keyRenames.getOrDefault(c.name(), c.name());
            boolean key = def.primaryKey().contains(name);
            Retype r = retypes.get(name);
            String type = r != null ? r.type() : c.type();
            columns.add(new ColumnDef(name, key ? TypeFamilies.base(type) : type));
            select.add(r != null && r.rounds() ? "round(" + Sql.quote(c.name()) + ", " + r.roundTo() + ")"
                    : Sql.quote(c.name()));
            to.add(name);
        }
        tables.dropTable(next); // what a crash left of an earlier attempt
        tables.createTable(next, new TableSpec(columns, def.primaryKey(), settings.partitionBy(),
                versioned ? settings.versionField() : null, versioned ? settings.deletedField() : null,
                settings.dedupWindow(), versioned ? settings.cleanupAfterSeconds() : 0));
        tables.insertSelect(next, to, table, select, versioned);
        tables.exchange(table, next);
        tables.dropTable(next);
    }

    private static String sourceName(Map<String, String> renames, String name) {
        for (Map.Entry<String, String> e : renames.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return name;
    }

    /** The sorting key's columns, without the CDC fields. */
    private Set<String> key(TableDescription d, SchemaChange change) {
        Set<String> key = new HashSet<>();
        for (ColumnInfo c : d.columns()) {
            if (c.sortKey() && !c.name().equals(settings.versionField()) && !change.metaFields().contains(c.name())) {
                key.add(c.name());
            }
        }
        return key;
    }

    /** A keyless table's change log: sorted by the version alone. */
    private boolean isChangeLog(TableDescription d) {
        List<String> key = new ArrayList<>();
        for (ColumnInfo c : d.columns()) {
            if (c.sortKey()) {
                key.add(c.name());
            }
        }
        return key.equals(List.of(settings.versionField()));
    }

    /**
     * The name {@code table} moves aside to. The source's DDL times have whole seconds, so a table
     * dropped twice in one second (DROP, CREATE, DROP) would move to a name taken by the first drop:
     * when the table is still there to move and the name is taken, the change's version tells them apart.
     */
    private TableId freeAside(TableId table, String why, SchemaChange change, boolean tableExists) {
        TableId aside = aside(table, why, change);
        if (tableExists && planner.describeNow(aside) != null) {
            aside = new TableId(aside.database(), aside.table() + "_" + change.version());
        }
        return aside;
    }

    private static TableId aside(TableId table, String why, SchemaChange change) {
        return new TableId(table.database(), table.table() + "_" + why + "_" + ASIDE.format(Instant.ofEpochMilli(tsMs(change))));
    }

    private static long tsMs(SchemaChange change) {
        return change.tsMs() == null ? 0 : change.tsMs();
    }
}
