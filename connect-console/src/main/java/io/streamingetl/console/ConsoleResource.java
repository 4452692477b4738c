package io.streamingetl.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** {@code /console} for Kafka Connect 4.x (Jakarta REST): every call answered by {@link Console}. */
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
