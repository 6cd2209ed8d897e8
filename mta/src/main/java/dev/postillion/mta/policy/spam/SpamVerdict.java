package dev.postillion.mta.policy.spam;

import java.util.List;
import java.util.Locale;

/** What the spam filter says of a message, for the policy to act on (SPEC section 4). */
public sealed interface SpamVerdict {

    /** Not sent to Rspamd: the filter is off, the client is ours, or the message is over max-size. */
    record Unscanned() implements SpamVerdict {}

    /** Rspamd could not judge it (unreachable, slow, an answer we cannot read): logged and counted. */
    record Failed() implements SpamVerdict {}

    /**
     * Rspamd's verdict.
     *
     * @param spam Rspamd's score or action says spam
     * @param junk filed in Junk at recipients with the filter on: spam, in mode junk or reject
     * @param reject refused, unless a recipient turned its filter off or allow-lists the sender
     * @param junkScore the score from which mail is spam here, written as {@code required}
     */
    record Scanned(double score, double junkScore, String action, List<String> symbols, boolean spam,
            boolean junk, boolean reject) implements SpamVerdict {

        public Scanned {
            symbols = List.copyOf(symbols);
        }

        /**
         * Our {@code X-Spam-Status} and {@code X-Spam-Score} fields, as SpamAssassin names them and
         * mail clients' filters know them: whether the score reaches the junk score, the score,
         * the junk score and the rules that matched. Written in every mode, so that users' own
         * filters can act on them; folded at commas (RFC 5322 section 2.2.3).
         */
        public String headers() {
            StringBuilder status = new StringBuilder("X-Spam-Status: ")
                    .append(spam ? "Yes" : "No")
                    .append(", score=").append(format(score))
                    .append(" required=").append(format(junkScore))
                    .append(" action=").append(action.replace(' ', '_'))
                    .append(" tests=");
            int lineStart = 0;
            for (int i = 0; i < symbols.size(); i++) {
                String symbol = symbols.get(i) + (i < symbols.size() - 1 ? "," : "");
                if (status.length() - lineStart + symbol.length() > 76) {
                    status.append("\r\n\t");
                    lineStart = status.length() - 1;
                }
                status.append(symbol);
            }
            return status.append("\r\nX-Spam-Score: ").append(format(score)).append("\r\n").toString();
        }

        private static String format(double value) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
    }
}
