#include "parsers/http1/http1_session.h"
