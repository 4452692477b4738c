package io.streamingetl.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JsonTextTest {
    private static final ObjectMapper STRICT = new ObjectMapper();

    @Test
    void nonFiniteFloatsAreStringsClickHouseReadsAsFloats() {
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\",1.5,-0.0,1.0E-7]", JsonText.render(
                Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5, -0.0, 1e-7)));
    }

    @Test
    void datesAreIsoTextInUtcTypedByTheirSchema() {
        Schema s = SchemaBuilder.struct().field("d", Date.SCHEMA).field("t", Time.SCHEMA).field("ts", Timestamp.SCHEMA)
                .build();
        java.util.Date day = new java.util.Date(19_724L * 86_400_000L); // 2024-01-02
        java.util.Date time = new java.util.Date(3_723_004L); // 01:02:03.004
        java.util.Date instant = new java.util.Date(1_704_164_645_123L);
        assertEquals("{\"d\":\"2024-01-02\",\"t\":\"01:02:03.004\",\"ts\":\"2024-01-02T03:04:05.123Z\"}",
                JsonText.render(new Struct(s).put("d", day).put("t", time).put("ts", instant)));
        assertEquals("[\"2024-01-02T03:04:05.123Z\"]", JsonText.render(List.of(instant)), "no schema: an instant");
        assertEquals("[\"2024-01-02\"]", JsonText.render(List.of(day), SchemaBuilder.array(Date.SCHEMA).build()));
    }

    @Test
    void decimalsPlainBytesBase64KeysStrings() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(7, new BigDecimal("1E+3"));
        m.put("b", "x".getBytes(StandardCharsets.UTF_8));
        m.put("bb", ByteBuffer.wrap(new byte[] {1, 2}));
        assertEquals("{\"7\":1000,\"b\":\"eA==\",\"bb\":\"AQI=\"}", JsonText.render(m));
        assertNull(JsonText.render(null));
    }

    /** Random nested values with every kind of scalar and awkward strings: a strict parser accepts every rendering. */
    @Test
    void alwaysValidJson() throws Exception {
        long seed = Long.getLong("json.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            Object value = value(random, 3);
            String text = JsonText.render(Arrays.asList(value));
            JsonNode parsed = STRICT.readTree(text);
            assertEquals(1, parsed.size(), "seed " + seed + ": " + text);
        }
    }

    private static Object value(Random r, int depth) {
        switch (r.nextInt(depth > 0 ? 11 : 8)) {
            case 0: return r.nextLong();
            case 1: return List.of(Double.NaN, Double.NEGATIVE_INFINITY, r.nextDouble() * 1e300, Double.MIN_VALUE,
                    -0.0f, Float.MAX_VALUE).get(r.nextInt(6));
            case 2: return new BigDecimal(r.nextGaussian() * 1e6).setScale(r.nextInt(12), java.math.RoundingMode.HALF_UP);
            case 3: {
                StringBuilder s = new StringBuilder();
                for (int k = r.nextInt(8); k > 0; k--) {
                    int[] awkward = {r.nextInt(0x20), '"', '\\', '/', 0x2028, 0xE9, 'a' + r.nextInt(26)};
                    s.append((char) awkward[r.nextInt(awkward.length)]);
                }
                return s.toString();
            }
            case 4: return r.nextBoolean();
            case 5: return new byte[r.nextInt(5)];
            case 6: return new java.util.Date(r.nextLong() % 400_000_000_000_000L);
            case 7: return (Object) null;
            case 8: {
                List<Object> list = new ArrayList<>();
                for (int k = r.nextInt(4); k > 0; k--) {
                    list.add(value(r, depth - 1));
                }
                return list;
            }
            case 9: {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int k = r.nextInt(4); k > 0; k--) {
                    m.put(value(r, 0), value(r, depth - 1));
                }
                return m;
            }
            default: {
                Schema s = SchemaBuilder.struct().field("a", Schema.OPTIONAL_STRING_SCHEMA)
                        .field("b", SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build()).build();
                return new Struct(s).put("a", r.nextBoolean() ? null : "x\"y").put("b", Arrays.asList(Double.NaN, null, 2.0));
            }
        }
    }
}
