package io.streamingetl.enrich;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.streamingetl.common.JsonText;
import org.apache.kafka.connect.errors.DataException;

/**
 * Flattens schemaless data (the Maps JsonConverter gives with schemas.enable=false) with the same
 * names as {@link FlattenPlan}: nested maps become {@code parent<delimiter>child}; lists stay
 * lists or become JSON text.
 *
 * <p>A null parent: schemaless data does not say which children it would have had, so this
 * remembers, per topic, the children each nested parent had when last seen non-null, and gives
 * those children nulls (as the schema'd path does). A parent never seen non-null on this topic by
 * this task becomes one null field named after the parent (what Kafka's Flatten does).
 */
final class SchemalessFlattener {

    private final String delimiter;
    private final CdcEnrichConfig.CollectionMode collections;
    /** topic + '\0' + flat parent name -> flat names of its leaves, relative to the parent. */
    private final LinkedHashMap<String, String[]> shapes;

    SchemalessFlattener(String delimiter, CdcEnrichConfig.CollectionMode collections, int maxShapes) {
        this.delimiter = delimiter;
        this.collections = collections;
        this.shapes = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String[]> eldest) {
                return size() > maxShapes;
            }
        };
    }

    /** A new flat map of {@code in}; {@code topic} scopes the remembered shapes of nested parents. */
    Map<String, Object> flatten(Map<?, ?> in, String topic) {
        Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
        flatten(in, "", "", in, topic, out, null);
        return out;
    }

    private void flatten(Map<?, ?> in, String prefix, String path, Map<?, ?> root, String topic,
                         Map<String, Object> out, List<String> leaves) {
        for (Map.Entry<?, ?> e : in.entrySet()) {
            String key = String.valueOf(e.getKey());
            String name = prefix.isEmpty() ? key : prefix + delimiter + key;
            String inPath = path.isEmpty() ? key : path + "." + key;
            Object v = e.getValue();
            String[] shape;
            if (v instanceof Map) {
                List<String> mine = new ArrayList<>();
                flatten((Map<?, ?>) v, name, inPath, root, topic, out, mine);
                remember(topic, name, mine);
                if (leaves != null) {
                    leaves.addAll(mine);
                }
            } else if (v == null && (shape = shapes.get(topic + '\0' + name)) != null && shape.length > 0) {
                // A parent last seen as {} has no leaves to null: it stays one null field, as in Flatten.
                for (String child : shape) {
                    put(out, name + delimiter + child, null, inPath + "." + child, root, leaves);
                }
            } else {
                if (v instanceof List && collections == CdcEnrichConfig.CollectionMode.JSON) {
                    v = JsonText.render(v);
                }
                put(out, name, v, inPath, root, leaves);
            }
        }
    }

    private void put(Map<String, Object> out, String name, Object value, String inPath, Map<?, ?> root,
                     List<String> leaves) {
        if (out.containsKey(name)) {
            String first = pathOf(root, "", "", name);
            throw new DataException("Flattening gives two fields named '" + name + "': '"
                    + (first == null ? name : first) + "' and '" + inPath + "'. Rename one of them or choose "
                    + "another " + CdcEnrichConfig.DELIMITER);
        }
        out.put(name, value);
        if (leaves != null) {
            leaves.add(name);
        }
    }

    private void remember(String topic, String parent, List<String> leafNames) {
        String[] rel = new String[leafNames.size()];
        int cut = parent.length() + delimiter.length();
        for (int i = 0; i < rel.length; i++) {
            rel[i] = leafNames.get(i).substring(cut);
        }
        String key = topic + '\0' + parent;
        String[] known = shapes.get(key);
        if (known == null || !java.util.Arrays.equals(known, rel)) {
            shapes.put(key, rel);
        }
    }

    /** The dotted input path of the first field that flattens to {@code target} (for errors only). */
    private String pathOf(Map<?, ?> in, String prefix, String path, String target) {
        for (Map.Entry<?, ?> e : in.entrySet()) {
            String name = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + delimiter + e.getKey();
            String p = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
            if (e.getValue() instanceof Map) {
                String found = pathOf((Map<?, ?>) e.getValue(), name, p, target);
                if (found != null) {
                    return found;
                }
            } else if (name.equals(target)) {
                return p;
            }
        }
        return null;
    }
}
