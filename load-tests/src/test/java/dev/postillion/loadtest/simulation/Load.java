package dev.postillion.loadtest.simulation;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load a simulation injects: {@code load.rate} new users per second (default 10) for
 * {@code load.duration} (default 30s; a number with ms, s, m or h, or plain seconds).
 */
public record Load(double rate, Duration duration) {

    private static final String DEFAULT_DURATION = "30s";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    public Load {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("load.rate must be more than 0 users per second, not " + rate);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("load.duration must be longer than 0, not " + duration);
        }
    }

    public static Load fromSystemProperties() {
        return fromSystemProperties(DEFAULT_DURATION);
    }

    /** The load, lasting {@code defaultDuration} unless {@code load.duration} says otherwise. */
    public static Load fromSystemProperties(String defaultDuration) {
        return new Load(Double.parseDouble(System.getProperty("load.rate", "10")),
                duration("load.duration", System.getProperty("load.duration", defaultDuration)));
    }

    /** This load's duration, with {@code fraction} of its users. */
    public Load share(double fraction) {
        return new Load(rate * fraction, duration);
    }

    /** The duration {@code text} (ms, s, m or h; plain seconds) that the system property {@code property} gave. */
    static Duration duration(String property, String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(property + " '" + text + "' is not a duration like 500ms, 30s, 5m or 1h");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
