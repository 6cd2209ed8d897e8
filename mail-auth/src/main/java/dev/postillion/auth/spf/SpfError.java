package dev.postillion.auth.spf;

/**
 * Ends a check at once with {@code temperror} or {@code permerror} (RFC 7208 sections 2.6.6, 2.6.7):
 * thrown inside the evaluation's stages, caught where the verdict is made.
 */
final class SpfError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final SpfResult result;

    private SpfError(SpfResult result, String message) {
        super(message, null, false, false);
        this.result = result;
    }

    static SpfError temporary(String message) {
        return new SpfError(SpfResult.TEMPERROR, message);
    }

    static SpfError permanent(String message) {
        return new SpfError(SpfResult.PERMERROR, message);
    }

    SpfResult result() {
        return result;
    }
}
