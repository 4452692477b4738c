package io.streamingetl.console.javax;

import io.streamingetl.console.Console;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Response;

/**
 * {@code /console} for Kafka Connect 3.x (javax REST): every call answered by {@link Console}. The
 * twin of {@code io.streamingetl.console.ConsoleResource}: JAX-RS reads the annotations, whose
 * package is all that differs, so the two cannot share code beyond {@link Console}.
 */
@Path("console")
public class ConsoleResource {
    private final Console console;

    ConsoleResource(Console console) {
        this.console = console;
    }

    @GET
    public Response page() {
        return response(console.page());
    }

    @GET
    @Path("{file: console\\.(js|css)}")
    public Response asset(@PathParam("file") String file) {
        return response(console.asset(file));
    }

    @GET
    @Path("api/sink-metrics")
    public Response sinkMetrics() {
        return response(console.sinkMetrics());
    }

    @GET
    @Path("api/lag")
    public Response lag(@QueryParam("connector") String connector) {
        return response(console.lag(connector));
    }

    @GET
    @Path("api/events")
    public Response events(@QueryParam("topic") String topic, @QueryParam("n") Integer n) {
        return response(console.events(topic, n));
    }

    @GET
    @Path("api/changes")
    public Response changes(@QueryParam("topic") String topic, @QueryParam("n") Integer n) {
        return response(console.changes(topic, n));
    }

    @GET
    @Path("api/clickhouse")
    public Response clickHouse(@QueryParam("connector") String connector) {
        return response(console.clickHouse(connector));
    }

    private static Response response(Console.Reply reply) {
        Response.ResponseBuilder b = Response.status(reply.status()).entity(reply.body()).type(reply.type());
        reply.headers().forEach(b::header);
        return b.build();
    }
}
