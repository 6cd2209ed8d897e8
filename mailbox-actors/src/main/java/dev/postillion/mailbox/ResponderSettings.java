package dev.postillion.mailbox;

import java.util.List;
import java.util.Optional;

/**
 * A responder as the operator gives it, to be added to an address or to replace one of its
 * responders ({@link AddressResponders}): the directory checks it and gives it its id, and answers
 * with the {@link dev.postillion.mailbox.responder.Responder} stored. Fields as documented there;
 * an empty text stands for an absent one, and weekdays are day names in any case.
 */
public record ResponderSettings(String name, String text, Optional<String> subject, Optional<String> start,
        Optional<String> end, List<String> weekdays, Optional<String> from, List<String> exclude) {

    public ResponderSettings {
        weekdays = List.copyOf(weekdays);
        exclude = List.copyOf(exclude);
    }
}
