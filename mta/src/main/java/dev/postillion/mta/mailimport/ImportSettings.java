package dev.postillion.mta.mailimport;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code postillion.mail-import}, documented in mta's reference.conf.
 *
 * @param listingWindow messages whose flags, dates and sizes one FETCH asks for
 * @param failuresKept failed messages a job names in its record and its confirmation
 * @param maxMessageSize {@code postillion.smtp.max-message-size}: a larger message is not copied
 */
record ImportSettings(Duration connectTimeout, Duration readTimeout, int listingWindow, int failuresKept,
        long maxMessageSize) {

    /** Where the dispatcher of the IMAP client's blocking calls is configured. */
    static final String DISPATCHER = "postillion.mail-import.dispatcher";

    static ImportSettings from(Config postillion) {
        Config imports = postillion.getConfig("mail-import");
        return new ImportSettings(imports.getDuration("connect-timeout"), imports.getDuration("read-timeout"),
                imports.getInt("listing-window"), imports.getInt("failures-kept"),
                postillion.getBytes("smtp.max-message-size"));
    }
}
