package dev.postillion.admin;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** A request the API refuses, with the status and the message for the JSON {@code error} field. */
final class ApiError extends RuntimeException {

    private final StatusCode status;

    ApiError(StatusCode status, String message) {
        super(message);
        this.status = status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(StatusCodes.BAD_REQUEST, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(StatusCodes.NOT_FOUND, message);
    }

    StatusCode status() {
        return status;
    }
}
