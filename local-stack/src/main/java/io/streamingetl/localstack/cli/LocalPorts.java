package io.streamingetl.localstack.cli;

/** The fixed local-mode ports, each overridable by a documented environment variable. */
record LocalPorts(int mariaDb, int kafka, int kafkaController, int connect, int clickHouseHttp,
                  int clickHouseTcp) {
    static LocalPorts fromEnvironment() {
        return new LocalPorts(
                port("MARIADB_PORT", 3306),
                port("KAFKA_PORT", 9092),
                port("KAFKA_CONTROLLER_PORT", 9093),
                port("CONNECT_PORT", 8083),
                port("CLICKHOUSE_HTTP_PORT", 8123),
                port("CLICKHOUSE_TCP_PORT", 9000));
    }

    /** --clickhouse-shards: shard i (from 1) of the local cluster serves HTTP on this + i - 1. */
    static int shardsHttpBase() {
        return port("CLICKHOUSE_SHARDS_HTTP_PORT", 8131);
    }

    /** ... and native TCP (what its Distributed tables use) on this + i - 1. */
    static int shardsTcpBase() {
        return port("CLICKHOUSE_SHARDS_TCP_PORT", 9131);
    }

    /** Avro mode's schema registry: its HTTP API and its health port. */
    static int registry() {
        return port("REGISTRY_PORT", 8081);
    }

    static int registryManagement() {
        return port("REGISTRY_MANAGEMENT_PORT", 9081);
    }

    private static int port(String variable, int fallback) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + "=" + value + " is not a TCP port (1-65535)");
        }
    }
}
