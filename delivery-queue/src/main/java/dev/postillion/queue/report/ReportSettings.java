package dev.postillion.queue.report;

import java.time.Duration;

/**
 * What a node's configuration says about its reports.
 *
 * @param hostname the name reports are written by: the Reporting-MTA and MAILER-DAEMON's domain
 * @param returnSizeLimit a failed message larger than this many bytes is returned as its header
 *     section only (Postfix's bounce_size_limit, 50000 by default)
 * @param delayWarning how long a message waits before its sender is warned of the delay
 * @param lifetime how long a message is retried before it is returned as failed
 */
public record ReportSettings(String hostname, long returnSizeLimit, Duration delayWarning, Duration lifetime) {}
