import { describe, expect, it } from 'vitest';
import { lambdaEgress } from './rule.js';
import { Unknown, type ValueObject } from '../../model/value.js';
import { lines, opaque, ref, res } from '../../../test/support/builder.js';
import { SHAPES, expectOnly, findingOn, run, scenario } from '../../../test/support/helpers.js';
import { describeRuleFixtures } from '../../../test/support/rule-tester.js';

describeRuleFixtures(import.meta.dirname);

const egress0 = (s: { sg: { values: ValueObject } }): ValueObject => (s.sg.values.egress as ValueObject[])[0]!;

describe('SI-1 Lambda egress only HTTPS via NAT, AWS services via endpoints', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      it('passes the reference system, with evidence per group, subnet and VPC', () => {
        const c = run(lambdaEgress, scenario(shape), shape);
        expect(c.status).toBe('pass');
        const sg = c.examined.find((e) => e.resource.type === 'aws_security_group')!;
        expect(sg.observed).toMatch(/tcp\/443/);
        const vpc = c.examined.find((e) => e.resource.type === 'aws_vpc')!;
        expect(vpc.observed).toMatch(/dynamodb, secretsmanager, bedrock-runtime, events/);
        const subnet = c.examined.find((e) => e.resource.type === 'aws_subnet')!;
        expect(subnet.observed).toMatch(/0\.0\.0\.0\/0 -> NAT gateway/);
      });

      it('fails an inline egress block with protocol -1, and only SI-1 fails', () => {
        const rs = scenario(shape, (s) => {
          Object.assign(egress0(s), { protocol: '-1', from_port: 0, to_port: 0 });
        });
        expectOnly(rs, shape, { 'SI-1': 'fail' });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_security_group.lambda');
        expect(f).toMatchObject({ kind: 'fail', attr: 'egress.0.protocol' });
        expect(f.message).toMatch(/^egress rule allows protocol -1 to 0\.0\.0\.0\/0 \(security group ztait-lambda\)$/);
      });

      it('fails a tcp port range 0-65535', () => {
        const rs = scenario(shape, (s) => {
          Object.assign(egress0(s), { from_port: 0, to_port: 65535 });
        });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_security_group.lambda');
        expect(f.attr).toBe('egress.0.from_port');
        expect(f.message).toMatch(/egress rule allows tcp 0-65535 to 0\.0\.0\.0\/0/);
      });

      it('points at to_port when the range widens upwards (443-8443)', () => {
        const rs = scenario(shape, (s) => {
          Object.assign(egress0(s), { to_port: 8443 });
        });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_security_group.lambda');
        expect(f).toMatchObject({
          attr: 'egress.0.to_port',
          message: 'egress rule allows tcp 443-8443 to 0.0.0.0/0 (security group ztait-lambda)',
        });
      });

      it('fails a second egress block allowing udp 53, pointing at egress.1', () => {
        const rs = scenario(shape, (s) => {
          (s.sg.values.egress as ValueObject[]).push({ protocol: 'udp', from_port: 53, to_port: 53, cidr_blocks: ['10.0.0.2/32'] });
        });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_security_group.lambda');
        expect(f.attr).toBe('egress.1.protocol');
        expect(f.message).toMatch(/egress rule allows udp 53 to 10\.0\.0\.2\/32/);
      });

      it('fails a default route to the internet gateway instead of the NAT gateway', () => {
        const rs = scenario(shape, (s) => {
          s.rtPrivate.values.route = [{ cidr_block: '0.0.0.0/0', gateway_id: ref(s.igw) }];
        });
        expectOnly(rs, shape, { 'SI-1': 'fail' });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_route_table.private');
        expect(f.attr).toBe('route.0.gateway_id');
        expect(f.message).toMatch(/^default route 0\.0\.0\.0\/0 of route table .* goes to internet gateway .* instead of a NAT gateway$/);
      });

      it('fails when the VPC lacks the Bedrock Runtime endpoint', () => {
        const rs = scenario(shape, (s) => {
          s.endpoints.splice(
            s.endpoints.findIndex((e) => e.index === 'bedrock-runtime'),
            1,
          );
        });
        expectOnly(rs, shape, { 'SI-1': 'fail' });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_vpc.main');
        expect(f.message).toMatch(/^VPC .* has no VPC endpoint for bedrock-runtime \(Interface\)$/);
      });

      it('fails a DynamoDB endpoint of type Interface (a Gateway endpoint is required)', () => {
        const rs = scenario(shape, (s) => {
          s.endpoints[0]!.values.vpc_endpoint_type = 'Interface';
        });
        const f = findingOn(run(lambdaEgress, rs, shape), 'module.foundation.aws_vpc_endpoint.dynamodb');
        expect(f).toMatchObject({ kind: 'fail', attr: 'vpc_endpoint_type' });
        expect(f.message).toMatch(/endpoint for dynamodb .* is Interface; a Gateway endpoint is required/);
      });

      it('errors when a security group of a function is not in the inventory', () => {
        const rs = scenario(shape, (s) => {
          (s.fns.triage.values.vpc_config as ValueObject[])[0]!.security_group_ids = ['sg-0ffffffffffffffff'];
        });
        const c = run(lambdaEgress, rs, shape);
        expect(c.status).toBe('error');
        const f = findingOn(c, 'module.triage.aws_lambda_function.function');
        expect(f).toMatchObject({ kind: 'error', attr: 'vpc_config.security_group_ids' });
        expect(f.message).toMatch(/security group "sg-0ffffffffffffffff" of function ztait-triage is not in the inventory/);
      });

      it('errors on an inventory gap for VPC endpoints, naming the failed call', () => {
        const rs = scenario(shape, (s) => {
          s.endpoints.length = 0;
        });
        const c = run(lambdaEgress, rs, shape, { aws_vpc_endpoint: 'ec2:DescribeVpcEndpoints AccessDenied' });
        expect(c.errors).toEqual(['aws_vpc_endpoint not collected: ec2:DescribeVpcEndpoints AccessDenied']);
        expect(c.status).toBe('fail'); // the missing endpoints still fail; the gap adds an error
        const none = run(lambdaEgress, scenario(shape), shape, { aws_vpc_endpoint: 'ec2:DescribeVpcEndpoints AccessDenied' });
        expect(none.status).toBe('error');
        expect(none.reason).toBe('aws_vpc_endpoint not collected: ec2:DescribeVpcEndpoints AccessDenied');
      });
    });
  }

  it('fails separate rule resources: aws_vpc_security_group_egress_rule and aws_security_group_rule', () => {
    const rs = scenario('static', (s) => [
      res('aws_vpc_security_group_egress_rule', 'all', { security_group_id: ref(s.sg), ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' }),
      res('aws_security_group_rule', 'wide', {
        type: 'egress',
        security_group_id: ref(s.sg),
        protocol: 'tcp',
        from_port: 0,
        to_port: 65535,
        cidr_blocks: ['0.0.0.0/0'],
      }),
      res('aws_security_group_rule', 'ingress', {
        type: 'ingress',
        security_group_id: ref(s.sg),
        protocol: '-1',
        from_port: 0,
        to_port: 0,
      }),
    ]);
    const c = run(lambdaEgress, rs);
    expect(findingOn(c, 'aws_vpc_security_group_egress_rule.all')).toMatchObject({
      attr: 'ip_protocol',
      message: expect.stringMatching(/allows protocol -1 to 0\.0\.0\.0\/0/),
    });
    expect(findingOn(c, 'aws_security_group_rule.wide')).toMatchObject({
      attr: 'from_port',
      message: expect.stringMatching(/tcp 0-65535/),
    });
    expect(c.findings).toHaveLength(2);
  });

  it('fails an aws_route sending ::/0 to an igw- id', () => {
    const rs = scenario('static', (s) => [
      res('aws_route', 'v6', { route_table_id: ref(s.rtPrivate), destination_ipv6_cidr_block: '::/0', gateway_id: 'igw-0123' }),
    ]);
    const f = findingOn(run(lambdaEgress, rs), 'aws_route.v6');
    expect(f).toMatchObject({ kind: 'fail', attr: 'gateway_id' });
    expect(f.message).toMatch(/default route ::\/0 .* internet gateway igw-0123/);
  });

  it('uses the VPC main route table when a subnet has no association; errors when neither is known', () => {
    const viaMain = scenario('static', (s) => {
      s.assocs.splice(0, 2);
      return [res('aws_main_route_table_association', 'main', { vpc_id: ref(s.vpc), route_table_id: ref(s.rtPublic) })];
    });
    const c = run(lambdaEgress, viaMain);
    expect(c.status).toBe('fail');
    expect(findingOn(c, 'module.foundation.aws_route_table.public').attr).toBe('route.0.gateway_id');

    const neither = scenario('static', (s) => {
      s.assocs.splice(0, 2);
    });
    const e = run(lambdaEgress, neither);
    expect(e.status).toBe('error');
    const f = findingOn(e, 'module.foundation.aws_subnet.private["a"]');
    expect(f.message).toMatch(/has no route table association and the main route table of VPC .* is not known/);
  });

  it('reads service_name patterns: a known suffix decides, an unknown name is error', () => {
    const pattern = scenario('static', (s) => {
      s.endpoints[3]!.values.service_name = new Unknown('var.region has no value', { pattern: 'com.amazonaws.*.events' });
    });
    expect(run(lambdaEgress, pattern).status).toBe('pass');
    const unknown = scenario('static', (s) => {
      s.endpoints[3]!.values.service_name = opaque('data.aws_region.current.name is known only after apply');
    });
    const c = run(lambdaEgress, unknown);
    expect(c.status).toBe('error');
    expect(findingOn(c, 'module.foundation.aws_vpc.main').message).toMatch(
      /cannot tell whether VPC .* has a Interface endpoint for events/,
    );
  });

  it('errors when the protocol of an egress rule is unknown', () => {
    const rs = scenario('static', (s) => {
      egress0(s).protocol = opaque('var.egress_protocol has no value');
    });
    const c = run(lambdaEgress, rs);
    expect(c.status).toBe('error');
    expect(lines(c)).toEqual([
      'error module.foundation.aws_security_group.lambda egress.0.protocol: egress.0.protocol of security group ztait-lambda is unknown: var.egress_protocol has no value',
    ]);
  });

  it('fails a function whose one known group allows all egress while its other group is unknown', () => {
    const rs = scenario('static', (s) => {
      Object.assign(egress0(s), { protocol: '-1', from_port: 0, to_port: 0 });
      const vc = (s.fns.receiver.values.vpc_config as ValueObject[])[0]!;
      (vc.security_group_ids as unknown[]).push(opaque('local.extra_sg is known only after apply'));
    });
    const c = run(lambdaEgress, rs);
    expect(c.status).toBe('fail');
    expect(lines(c).filter((l) => !l.startsWith('fail module.foundation.aws_security_group.lambda '))).toEqual([
      'error module.ingestion.aws_lambda_function.function vpc_config.security_group_ids: security group (unknown: local.extra_sg is known only after apply) of function ztait-webhook-receiver is unknown: local.extra_sg is known only after apply',
    ]);
  });

  it('fails an egress rule a known part rules out while another part is unknown; errors only when nothing known decides', () => {
    const cases: [ValueObject, string][] = [
      // udp is never tcp 443, whatever its ports
      [{ protocol: 'udp', from_port: opaque('var.p has no value'), to_port: opaque('var.p has no value') }, 'fail'],
      // from_port 0 already widens the range
      [{ protocol: 'tcp', from_port: 0, to_port: opaque('var.p has no value') }, 'fail'],
      // whatever the protocol, ports 0-65535 are not 443-443
      [{ protocol: opaque('var.proto has no value'), from_port: 0, to_port: 65535 }, 'fail'],
      // tcp 443 to an unknown upper end, or 443-443 of an unknown protocol: either way
      [{ protocol: 'tcp', from_port: 443, to_port: opaque('var.p has no value') }, 'error'],
      [{ protocol: opaque('var.proto has no value'), from_port: 443, to_port: 443 }, 'error'],
    ];
    for (const [rule, status] of cases) {
      const c = run(
        lambdaEgress,
        scenario('static', (s) => {
          Object.assign(egress0(s), rule);
        }),
      );
      expect([rule, c.status]).toEqual([rule, status]);
    }
    const c = run(
      lambdaEgress,
      scenario('static', (s) => {
        Object.assign(egress0(s), { protocol: opaque('var.proto has no value'), from_port: 0, to_port: 65535 });
      }),
    );
    expect(findingOn(c, 'module.foundation.aws_security_group.lambda')).toMatchObject({
      kind: 'fail',
      attr: 'egress.0.from_port',
      message: 'egress rule allows ports 0-65535 of a protocol not known statically to 0.0.0.0/0 (security group ztait-lambda)',
    });
  });

  it('is not applicable when no function runs in a VPC', () => {
    const c = run(lambdaEgress, [res('aws_lambda_function', 'f', { function_name: 'ztait-f' })]);
    expect(c.status).toBe('not_applicable');
    expect(c.reason).toMatch(/no Lambda function runs in a VPC/);
  });
});
