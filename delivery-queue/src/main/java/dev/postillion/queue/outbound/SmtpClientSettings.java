package dev.postillion.queue.outbound;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code postillion.delivery.smtp}: the outbound SMTP client's timeouts, connection cache and
 * transaction size; documented in delivery-queue's reference.conf, with their Postfix names.
 */
public record SmtpClientSettings(
        Duration connectTimeout,
        Duration heloTimeout,
        Duration mailTimeout,
        Duration rcptTimeout,
        Duration dataInitTimeout,
        Duration dataTransferTimeout,
        Duration dataDoneTimeout,
        Duration rsetTimeout,
        Duration quitTimeout,
        Duration connectionCacheTime,
        int connectionReuseLimit,
        int maxRecipientsPerTransaction) {

    public SmtpClientSettings {
        if (maxRecipientsPerTransaction < 1) {
            throw new IllegalArgumentException("max-recipients-per-transaction must be at least 1");
        }
        if (connectionReuseLimit < 0) {
            throw new IllegalArgumentException("connection-reuse-limit must not be negative");
        }
    }

    /** @param smtp the {@code postillion.delivery.smtp} block */
    public static SmtpClientSettings from(Config smtp) {
        return new SmtpClientSettings(
                smtp.getDuration("connect-timeout"),
                smtp.getDuration("helo-timeout"),
                smtp.getDuration("mail-timeout"),
                smtp.getDuration("rcpt-timeout"),
                smtp.getDuration("data-init-timeout"),
                smtp.getDuration("data-transfer-timeout"),
                smtp.getDuration("data-done-timeout"),
                smtp.getDuration("rset-timeout"),
                smtp.getDuration("quit-timeout"),
                smtp.getDuration("connection-cache-time"),
                smtp.getInt("connection-reuse-limit"),
                smtp.getInt("max-recipients-per-transaction"));
    }
}
