package io.streamingetl.clickhouse.client;

import com.clickhouse.client.api.ClientException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.TransportException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Classifies ClickHouse client failures by server error code and exception type. */
public final class ClickHouseErrors {
    /** Server codes worth retrying: timeouts, overload, network, restarts, replication. */
    static final Set<Integer> TRANSIENT_CODES = Set.of(
            3,    // UNEXPECTED_END_OF_FILE
            159,  // TIMEOUT_EXCEEDED
            164,  // READONLY
            202,  // TOO_MANY_SIMULTANEOUS_QUERIES
            203,  // NO_FREE_CONNECTION
            209,  // SOCKET_TIMEOUT
            210,  // NETWORK_ERROR
            236,  // ABORTED
            241,  // MEMORY_LIMIT_EXCEEDED
            242,  // TABLE_IS_READ_ONLY
            252,  // TOO_MANY_PARTS
            285,  // TOO_FEW_LIVE_REPLICAS
            319,  // UNKNOWN_STATUS_OF_INSERT
            394,  // QUERY_WAS_CANCELLED
            425,  // SYSTEM_ERROR
            439,  // CANNOT_SCHEDULE_TASK
            473,  // DEADLOCK_AVOIDED
            999,  // KEEPER_EXCEPTION
            1000  // POCO_EXCEPTION
    );
    /** Server codes meaning the INSERT's columns no longer match the table. */
    static final Set<Integer> SCHEMA_CODES = Set.of(
            8,    // THERE_IS_NO_COLUMN
            16,   // NO_SUCH_COLUMN_IN_TABLE
            33,   // CANNOT_READ_ALL_DATA (positional garbage)
            60,   // UNKNOWN_TABLE (renamed or dropped since: the table's lineage says where its rows go)
            47,   // UNKNOWN_IDENTIFIER
            53,   // TYPE_MISMATCH
            131   // TOO_LARGE_STRING_SIZE (bytes read with the wrong type)
    );

    /** Server codes meaning values in some rows are refused: the rest of the block can still go in. */
    static final Set<Integer> DATA_CODES = Set.of(
            6,    // CANNOT_PARSE_TEXT
            27,   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            38,   // CANNOT_PARSE_DATE
            41,   // CANNOT_PARSE_DATETIME
            69,   // ARGUMENT_OUT_OF_BOUND
            70,   // CANNOT_CONVERT_TYPE
            72,   // CANNOT_PARSE_NUMBER
            117,  // INCORRECT_DATA
            321,  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
            407,  // DECIMAL_OVERFLOW
            469,  // VIOLATED_CONSTRAINT
            691   // UNKNOWN_ELEMENT_OF_ENUM
    );

    private static final int INCORRECT_DATA = 117;

    private ClickHouseErrors() {
    }

    /** RowBinaryWithNamesAndTypes' header names a type the table's column no longer has. */
    static boolean isHeaderMismatch(String message) {
        return message != null && message.contains("(while reading header)");
    }

    public static ErrorClass classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ServerException se) {
                int code = se.getCode();
                if (TRANSIENT_CODES.contains(code)) {
                    return ErrorClass.TRANSIENT;
                }
                if (SCHEMA_CODES.contains(code) || (code == INCORRECT_DATA && isHeaderMismatch(se.getMessage()))) {
                    return ErrorClass.SCHEMA;
                }
                if (DATA_CODES.contains(code)) {
                    return ErrorClass.DATA;
                }
                // HTTP 5xx without a ClickHouse code: a proxy or a restarting server.
                if (code == ServerException.CODE_UNKNOWN && se.getTransportProtocolCode() >= 500) {
                    return ErrorClass.TRANSIENT;
                }
                return ErrorClass.PERMANENT;
            }
            if (c instanceof ConnectionInitiationException || c instanceof TransportException
                    || c instanceof IOException || c instanceof TimeoutException) {
                return ErrorClass.TRANSIENT;
            }
        }
        if (t instanceof ClientException && t.getCause() == null) {
            return ErrorClass.PERMANENT;
        }
        return ErrorClass.PERMANENT;
    }

    /** The server's error code anywhere in the chain, or -1. */
    public static int code(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ServerException se) {
                return se.getCode();
            }
        }
        return -1;
    }

    /**
     * The failure's message with its root cause: the client's own message ("Query request failed
     * (attempt: 1, ...)") does not say that the connection was refused or timed out.
     */
    public static String describe(Throwable t) {
        String msg = String.valueOf(t.getMessage());
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t && root.getMessage() != null && !msg.contains(root.getMessage())) {
            msg += " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        } else if (root != t && root.getMessage() == null) {
            msg += " (cause: " + root.getClass().getSimpleName() + ")";
        }
        return msg;
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A failure as Connect's exception: RetriableException when transient, else ConnectException. */
    public static ConnectException asConnectException(String what, Throwable t) {
        Throwable cause = unwrap(t);
        if (classify(cause) == ErrorClass.TRANSIENT) {
            return new RetriableException("ClickHouse unavailable during " + what + ": " + cause.getMessage(), cause);
        }
        return new ConnectException("ClickHouse rejected " + what + ": " + cause.getMessage(), cause);
    }

    /** Runs a metadata request; transient failures become RetriableException, others ConnectException. */
    public static <T> T call(String what, Callable<T> body) {
        try {
            return body.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted during " + what, e);
        } catch (ConnectException e) {
            throw e; // already classified by a nested call
        } catch (Exception e) {
            throw asConnectException(what, e);
        }
    }
}
