package dev.postillion.queue.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A configured duration as a person reads it in a report: {@code 4 hours}, {@code 3 days},
 * {@code 1 hour 30 minutes}. Fractions of a second are left out; settings are whole seconds.
 */
public final class DurationWords {

    private DurationWords() {}

    public static String describe(Duration duration) {
        List<String> words = new ArrayList<>();
        addUnit(words, duration.toDays(), "day");
        addUnit(words, duration.toHoursPart(), "hour");
        addUnit(words, duration.toMinutesPart(), "minute");
        addUnit(words, duration.toSecondsPart(), "second");
        return words.isEmpty() ? "0 seconds" : String.join(" ", words);
    }

    private static void addUnit(List<String> words, long count, String unit) {
        if (count > 0) {
            words.add(count + " " + unit + (count == 1 ? "" : "s"));
        }
    }
}
