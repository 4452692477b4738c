package io.streamingetl.common;

import org.apache.kafka.common.config.ConfigDef;

/**
 * Runs a validator only on values that parsed. ConfigDef validates a value that failed to parse as
 * null, so a Range would add "Invalid value null ... must be non-null" to the parse error, two
 * messages for one mistake; missing required options are reported by ConfigDef itself.
 */
public final class ParsedOnly implements ConfigDef.Validator {
    private final ConfigDef.Validator validator;

    private ParsedOnly(ConfigDef.Validator validator) {
        this.validator = validator;
    }

    public static ConfigDef.Validator of(ConfigDef.Validator validator) {
        return new ParsedOnly(validator);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value != null) {
            validator.ensureValid(name, value);
        }
    }

    @Override
    public String toString() {
        return validator.toString();
    }
}
