package dev.postillion.loadtest.simulation;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load a simulation injects, an open model: new users arrive at a rate that ramps up from a
 * tenth of {@code load.rate} to {@code load.rate} users per second (default 10) over {@code
 * load.ramp} (default a fifth of the duration; whole seconds, a shorter ramp is none), then holds
 * it for the rest of {@code load.duration} (default 30s). Durations are a number with ms, s, m or
 * h, or plain seconds.
 */
public record Load(double rate, Duration duration, Duration ramp) {

    private static final String DEFAULT_DURATION = "30s";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    /** The rate the ramp starts from, as a part of the full rate. */
    private static final double RAMP_FROM = 0.1;

    public Load {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("load.rate must be more than 0 users per second, not " + rate);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("load.duration must be longer than 0, not " + duration);
        }
        if (ramp.isNegative() || ramp.compareTo(duration) > 0) {
            throw new IllegalArgumentException("load.ramp must be between 0 and load.duration (" + duration + "), not "
                    + ramp);
        }
    }

    public static Load fromSystemProperties() {
        return fromSystemProperties(DEFAULT_DURATION);
    }

    /** The load, lasting {@code defaultDuration} unless {@code load.duration} says otherwise. */
    public static Load fromSystemProperties(String defaultDuration) {
        Duration duration = duration("load.duration", System.getProperty("load.duration", defaultDuration));
        String ramp = System.getProperty("load.ramp", "");
        Duration rampTime = ramp.isBlank() ? duration.dividedBy(5) : duration("load.ramp", ramp);
        // whole seconds: Gatling never started the users of a ramp of 600 ms
        return new Load(Double.parseDouble(System.getProperty("load.rate", "10")), duration,
                Duration.ofSeconds(rampTime.toSeconds()));
    }

    /** This load's timing, with {@code fraction} of its users. */
    public Load share(double fraction) {
        return new Load(rate * fraction, duration, ramp);
    }

    /** Gatling's injection steps for this load: the ramp, then the steady rate. */
    public List<OpenInjectionStep> openModel() {
        List<OpenInjectionStep> steps = new ArrayList<>();
        if (!ramp.isZero()) {
            steps.add(rampUsersPerSec(rate * RAMP_FROM).to(rate).during(ramp));
        }
        Duration steady = duration.minus(ramp);
        if (!steady.isZero()) {
            steps.add(constantUsersPerSec(rate).during(steady));
        }
        return steps;
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
