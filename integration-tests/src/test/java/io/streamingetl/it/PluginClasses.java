package io.streamingetl.it;

/** Class names of our plugins as users write them in connector JSON. */
final class PluginClasses {
    static final String SMT_VALUE = "io.streamingetl.enrich.CdcEnrich$Value";
    static final String SMT_KEY = "io.streamingetl.enrich.CdcEnrich$Key";
    static final String SINK = "io.streamingetl.clickhouse.ClickHouseSinkConnector";

    private PluginClasses() {
    }
}
