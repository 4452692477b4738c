package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Timestamp;

/** Connect Timestamp (java.util.Date) -> DateTime64(3, tz); the encoder reads the millis. */
public final class ConnectTimestampType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{Timestamp.LOGICAL_NAME};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "DateTime64(3, " + ctx.quotedZone() + ")";
    }
}
