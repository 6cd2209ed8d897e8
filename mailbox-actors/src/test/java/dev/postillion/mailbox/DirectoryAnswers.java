package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mailbox.DirectoryException.Kind;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The directory's answers as its tests read them: what a change completed with, or its refusal. */
final class DirectoryAnswers {

    private DirectoryAnswers() {}

    static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** The change was refused for {@code kind}, with a message that says {@code message}. */
    static void assertFails(Kind kind, String message, CompletionStage<?> stage) {
        CompletionException failure = assertThrows(CompletionException.class, () -> join(stage));
        DirectoryException error = assertInstanceOf(DirectoryException.class, failure.getCause());
        assertEquals(kind, error.kind());
        assertTrue(error.getMessage().contains(message), () -> "'" + error.getMessage() + "' should say " + message);
    }
}
