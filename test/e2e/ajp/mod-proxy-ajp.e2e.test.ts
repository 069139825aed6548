// Issue #6: Apache httpd with mod_proxy_ajp (secret=, ping=1) in front of the AJP connector.
import { describeFrontEnd } from './front-end-scenarios.js';

describeFrontEnd('proxy-ajp');
