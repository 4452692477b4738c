package io.streamingetl.clickhouse.schema;

/** Which field types can be written into which existing column types. */
public final class TypeFamilies {
    public enum Family { INT, FLOAT, DECIMAL, BOOL, STRING, DATE, DATETIME, TIME, UUID, ARRAY, MAP, JSON, ENUM, OTHER }

    private TypeFamilies() {
    }

    /** Strips Nullable(...) and LowCardinality(...). */
    public static String base(String type) {
        String t = type.trim();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String w : new String[]{"Nullable(", "LowCardinality("}) {
                if (t.startsWith(w) && t.endsWith(")")) {
                    t = t.substring(w.length(), t.length() - 1).trim();
                    changed = true;
                }
            }
        }
        return t;
    }

    public static Family family(String type) {
        String t = base(type);
        if (t.matches("U?Int(8|16|32|64|128|256)")) {
            return Family.INT;
        }
        if (t.startsWith("Float") || t.equals("BFloat16")) {
            return Family.FLOAT;
        }
        if (t.startsWith("Decimal")) {
            return Family.DECIMAL;
        }
        if (t.equals("Bool")) {
            return Family.BOOL;
        }
        if (t.equals("String") || t.startsWith("FixedString")) {
            return Family.STRING;
        }
        if (t.equals("Date") || t.equals("Date32")) {
            return Family.DATE;
        }
        if (t.startsWith("DateTime")) {
            return Family.DATETIME;
        }
        if (t.equals("Time") || t.startsWith("Time64")) {
            return Family.TIME;
        }
        if (t.equals("UUID")) {
            return Family.UUID;
        }
        if (t.startsWith("Array(")) {
            return Family.ARRAY;
        }
        if (t.startsWith("Map(")) {
            return Family.MAP;
        }
        if (t.startsWith("JSON") || t.startsWith("Object(")) {
            return Family.JSON;
        }
        if (t.startsWith("Enum")) {
            return Family.ENUM;
        }
        return Family.OTHER;
    }

    /** True when values of a field mapped to {@code fieldType} can be written into {@code columnType}. */
    public static boolean writable(String fieldType, String columnType) {
        Family f = family(fieldType);
        Family c = family(columnType);
        if (f == c) {
            return true;
        }
        return switch (c) {
            case STRING, JSON -> (f != Family.ARRAY && f != Family.MAP) || c == Family.JSON;
            case FLOAT, DECIMAL -> f == Family.INT || f == Family.FLOAT || f == Family.DECIMAL;
            case INT -> f == Family.BOOL || f == Family.TIME; // TIME columns created before Time64 hold the number
            case TIME -> f == Family.INT;
            case BOOL -> f == Family.INT;
            case ENUM -> f == Family.STRING;
            case UUID -> f == Family.STRING;
            case OTHER -> true; // unknown to us (IPv4, Tuple...): the server has the last word
            default -> false;
        };
    }
}
