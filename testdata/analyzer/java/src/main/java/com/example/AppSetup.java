package com.example;

import java.util.Map;

// The environment held in a field and read through it.
public class AppSetup {
    private Map<String, String> env;
    private final String keyName = "lower_case_is_a_map_key";

    public AppSetup() {
        this.env = System.getenv();
    }

    public String port() {
        return env.getOrDefault("PORT", "4567");
    }

    public String dbPassword() {
        return this.env.get("DB_PASSWORD");
    }

    public String notEnv(Map<String, String> headers) {
        return headers.get("X_FORWARDED_FOR") + env.get(keyName);
    }
}
