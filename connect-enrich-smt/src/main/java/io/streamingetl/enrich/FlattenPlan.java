package io.streamingetl.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * How one input struct schema becomes flat fields, worked out once per schema so that per record
 * the transform only walks an array of field pairs: read a field by index, convert it, put it by
 * index. No name lookups, no schema building per record.
 *
 * <p>Nested structs become {@code parent<delimiter>child}; a child of an optional parent is
 * optional, and a null parent leaves all its children null. Leaf types go through
 * {@link LogicalTypes}. Two inputs that flatten to one name are an error naming both.
 */
final class FlattenPlan {

    /** One input field: a leaf copied to {@code dst}, or a nested struct with its own nodes. */
    private static final class Node {
        final Field src;
        final Node[] children;
        final LogicalTypes.ValueConverter converter;
        final LogicalTypes.ValueConverter binlogConverter;
        final String outName;
        Field dst;

        Node(Field src, Node[] children, LogicalTypes.Conversion conversion, String outName) {
            this.src = src;
            this.children = children;
            this.converter = conversion == null ? null : conversion.converter;
            this.binlogConverter = conversion == null ? null : conversion.binlogConverter;
            this.outName = outName;
        }
    }

    /** How {@link RowPlan} names a reserved metadata field in {@code names}. */
    static final String METADATA = "metadata field";

    private final Node[] nodes;

    private FlattenPlan(Node[] nodes) {
        this.nodes = nodes;
    }

    /**
     * Adds the flat fields of {@code struct} to {@code out} and returns the plan that fills them.
     * Call {@link #bind(Schema)} with the built schema before {@link #fill}.
     *
     * @param names flat name to the dotted input path that produced it, for collision errors;
     *              callers pre-fill it with names they reserve (metadata fields)
     */
    static FlattenPlan build(Schema struct, String delimiter, CdcEnrichConfig.CollectionMode collections,
                             SchemaBuilder out, Map<String, String> names) {
        return new FlattenPlan(nodes(struct, "", "", false, delimiter, collections, out, names));
    }

    private static Node[] nodes(Schema struct, String prefix, String path, boolean optionalParent, String delimiter,
                                CdcEnrichConfig.CollectionMode collections, SchemaBuilder out,
                                Map<String, String> names) {
        List<Node> list = new ArrayList<>(struct.fields().size());
        for (Field f : struct.fields()) {
            String outName = prefix.isEmpty() ? f.name() : prefix + delimiter + f.name();
            String inPath = path.isEmpty() ? f.name() : path + "." + f.name();
            Schema fs = f.schema();
            boolean optional = optionalParent || fs.isOptional();
            if (fs.type() == Schema.Type.STRUCT && !LogicalTypes.isLeafStruct(fs)) {
                Node[] children = nodes(fs, outName, inPath, optional, delimiter, collections, out, names);
                list.add(new Node(f, children, null, null));
                continue;
            }
            String previous = names.putIfAbsent(outName, inPath);
            if (previous != null) {
                throw new DataException("Flattening gives two fields named '" + outName + "': '" + previous
                        + "' and '" + inPath + "'. " + (previous.startsWith(METADATA)
                        ? "Give the metadata field another name with the option named above"
                        : "Rename one of them or choose another " + CdcEnrichConfig.DELIMITER));
            }
            LogicalTypes.Conversion c = LogicalTypes.forSchema(fs, collections);
            Schema outSchema = c.schema;
            if (optional && !outSchema.isOptional()) {
                outSchema = optionalCopy(outSchema);
            }
            out.field(outName, outSchema);
            list.add(new Node(f, null, c, outName));
        }
        return list.toArray(new Node[0]);
    }

    /** Resolves the output fields once the flat schema is built. */
    FlattenPlan bind(Schema flat) {
        bind(nodes, flat);
        return this;
    }

    private static void bind(Node[] nodes, Schema flat) {
        for (Node n : nodes) {
            if (n.children != null) {
                bind(n.children, flat);
            } else {
                n.dst = flat.field(n.outName);
            }
        }
    }

    /**
     * Copies the (converted) values of {@code in} into their flat fields of {@code out};
     * {@code fromBinlog}: the image was read from the binlog, not by a snapshot.
     */
    void fill(Struct in, Struct out, boolean fromBinlog) {
        fill(nodes, in, out, fromBinlog);
    }

    private static void fill(Node[] nodes, Struct in, Struct out, boolean fromBinlog) {
        for (Node n : nodes) {
            Object v = in.getWithoutDefault(n.src.name()); // get() would turn a NULL into the column default
            if (v == null) {
                continue; // a new Struct's fields are already null: a null parent gives null children
            }
            if (n.children != null) {
                fill(n.children, (Struct) v, out, fromBinlog);
                continue;
            }
            try {
                LogicalTypes.ValueConverter converter = fromBinlog ? n.binlogConverter : n.converter;
                out.put(n.dst, converter == null ? v : converter.convert(v));
            } catch (RuntimeException e) {
                // Name the field: the caller adds topic, partition and offset.
                throw new DataException("field '" + n.outName + "': " + e.getMessage(), e);
            }
        }
    }

    /** Like Kafka's Flatten: the same schema, made optional because its parent may be null. */
    static Schema optionalCopy(Schema s) {
        SchemaBuilder b;
        switch (s.type()) {
            case ARRAY:
                b = SchemaBuilder.array(s.valueSchema());
                break;
            case MAP:
                b = SchemaBuilder.map(s.keySchema(), s.valueSchema());
                break;
            default:
                b = new SchemaBuilder(s.type());
        }
        b.name(s.name()).version(s.version()).doc(s.doc());
        if (s.parameters() != null && !s.parameters().isEmpty()) {
            b.parameters(s.parameters());
        }
        if (s.defaultValue() != null) {
            b.defaultValue(s.defaultValue());
        }
        return b.optional().build();
    }
}
