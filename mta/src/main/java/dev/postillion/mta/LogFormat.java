package dev.postillion.mta;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import com.typesafe.config.ConfigException;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The node's log lines: text in Postfix's shapes (the default), or JSON, one object a line, for a
 * log pipeline (postillion.log.format). JSON lines are Logback's own encoding: the time, level,
 * logger, the text line as {@code formattedMessage}, the event's fields in {@code kvpList} (the
 * queue's lines carry queue_id, recipient, relay, dsn, outcome; the SMTP server's client,
 * listener, outcome, and queue_id once spooled), and the node's name among the context's
 * properties. Set once at start, before the node logs anything of its own.
 */
final class LogFormat {

    private LogFormat() {}

    /** @throws ConfigException.BadValue for a format that is neither "plain" nor "json" */
    static void apply(String format, String node) {
        if (format.equals("plain")) {
            return;
        }
        if (!format.equals("json")) {
            throw new ConfigException.BadValue("postillion.log.format", "plain or json, not " + format);
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding than Logback's: its own configuration decides
        }
        context.putProperty("node", node);
        for (Logger logger : context.getLoggerList()) {
            logger.iteratorForAppenders().forEachRemaining(appender -> toJson(context, appender));
        }
    }

    /** Gives each appender that writes lines (behind an async one too) the JSON encoder. */
    private static void toJson(LoggerContext context, Appender<ILoggingEvent> appender) {
        if (appender instanceof AsyncAppenderBase<ILoggingEvent> async) {
            for (Iterator<Appender<ILoggingEvent>> inner = async.iteratorForAppenders(); inner.hasNext(); ) {
                toJson(context, inner.next());
            }
        } else if (appender instanceof OutputStreamAppender<ILoggingEvent> writer
                && !(writer.getEncoder() instanceof JsonEncoder)) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.start();
            writer.setEncoder(json);
        }
    }
}
