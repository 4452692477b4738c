package io.streamingetl.clickhouse.write;

import io.streamingetl.clickhouse.client.ErrorClass;

/** An insert that failed after the allowed attempts, with its classification. */
public final class InsertFailure extends Exception {
    private final ErrorClass errorClass;
    private final int code;

    public InsertFailure(String message, ErrorClass errorClass, int code, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
        this.code = code;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    public int code() {
        return code;
    }
}
