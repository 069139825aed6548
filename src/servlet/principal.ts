/** java.security.Principal as the Servlet API hands it out (`request.getUserPrincipal()`): the user's name. */
export interface Principal {
  getName(): string;
}
