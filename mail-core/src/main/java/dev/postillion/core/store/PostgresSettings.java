package dev.postillion.core.store;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code postillion.store.postgresql}: where a cluster's shared store lives. Documented in
 * mail-core's reference.conf.
 *
 * @param connectTimeout how long a read or a commit waits for a connection before it fails, and
 *     the caller answers 4xx: a database that cannot be reached is our fault, never the client's
 */
public record PostgresSettings(String url, String user, String password, int poolSize, Duration connectTimeout) {

    public static PostgresSettings from(Config postgresql) {
        return new PostgresSettings(
                postgresql.getString("url"),
                postgresql.getString("user"),
                postgresql.getString("password"),
                postgresql.getInt("pool-size"),
                postgresql.getDuration("connect-timeout"));
    }

    /** The settings without the password, for logs. */
    @Override
    public String toString() {
        return "PostgresSettings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
}
