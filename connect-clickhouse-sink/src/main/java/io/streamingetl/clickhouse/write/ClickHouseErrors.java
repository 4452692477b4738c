package io.streamingetl.clickhouse.write;

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
            47,   // UNKNOWN_IDENTIFIER
            53,   // TYPE_MISMATCH
            131   // TOO_LARGE_STRING_SIZE (bytes read with the wrong type)
    );

    private ClickHouseErrors() {
    }

    public static ErrorClass classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ServerException se) {
                int code = se.getCode();
                if (TRANSIENT_CODES.contains(code)) {
                    return ErrorClass.TRANSIENT;
                }
                if (SCHEMA_CODES.contains(code)) {
                    return ErrorClass.SCHEMA;
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

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Runs a metadata request; transient failures become RetriableException, others ConnectException. */
    public static <T> T call(String what, Callable<T> body) {
        try {
            return body.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted during " + what, e);
        } catch (Exception e) {
            Throwable cause = unwrap(e);
            if (classify(cause) == ErrorClass.TRANSIENT) {
                throw new RetriableException("ClickHouse unavailable during " + what + ": " + cause.getMessage(), cause);
            }
            throw new ConnectException("ClickHouse rejected " + what + ": " + cause.getMessage(), cause);
        }
    }
}
